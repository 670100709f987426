#!/bin/bash
# Snapshot catch-up bench (issue 8: "snapshot transfer time for 1 GiB on loopback").
# Starts a 3-member cairn cluster on free 127.0.0.1 ports with --snapshot-count 2000, stops one follower, loads
# SIZE_MB of data through the leader, then enough small puts that the leader's log is compacted past the stopped
# member, restarts it and times how long it takes to catch up (through a snapshot), sampling RSS and the size of its
# member/snap/ directory every 0.2 s. Finally checks that `endpoint hashkv` agrees on all three members.
# Usage: SIZE_MB=1024 bench/snapshot/run.sh [workdir]
#   env: SIZE_MB (1024), VALUE_KB (64), PER_TXN (16), THREADS (4), SMALL (2500 small puts),
#        CATCHUP_TIMEOUT (s, 1800), VALUES=1 (the client-side check also compares values: slow), CAIRN (binary, default src/Host/bin/Release/net10.0/cairn), KEEP=1 keeps the work dir
set -u
SIZE_MB=${SIZE_MB:-1024}; VALUE_KB=${VALUE_KB:-64}; PER_TXN=${PER_TXN:-16}; THREADS=${THREADS:-4}; SMALL=${SMALL:-2500}
CATCHUP_TIMEOUT=${CATCHUP_TIMEOUT:-1800}
WORK=${1:-$(mktemp -d /tmp/cairn-snapbench.XXXX)}
mkdir -p "$WORK"
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
CAIRN=${CAIRN:-$ROOT/src/Host/bin/Release/net10.0/cairn}
FLAGS="--snapshot-count 2000 --quota-backend-bytes 8589934592"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -a CP PP PIDS
for i in 1 2 3; do CP[$i]=$(free_port); PP[$i]=$(free_port); PIDS[$i]=; done
SAMPLER=
CLUSTER="m1=http://127.0.0.1:${PP[1]},m2=http://127.0.0.1:${PP[2]},m3=http://127.0.0.1:${PP[3]}"
cleanup() {
  [ -n "$SAMPLER" ] && kill $SAMPLER 2>/dev/null
  for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && kill ${PIDS[$i]} 2>/dev/null; done
  for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && wait ${PIDS[$i]} 2>/dev/null; done
  [ -n "$SAMPLER" ] && wait $SAMPLER 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_member() { # $1 = member number; appends to its log so a restart keeps the first run's lines
  "$CAIRN" --name m$1 --data-dir "$WORK/m$1" \
    --listen-client-urls http://127.0.0.1:${CP[$1]} --advertise-client-urls http://127.0.0.1:${CP[$1]} \
    --listen-peer-urls http://127.0.0.1:${PP[$1]} --initial-advertise-peer-urls http://127.0.0.1:${PP[$1]} \
    --initial-cluster $CLUSTER --initial-cluster-token snapbench --initial-cluster-state new $FLAGS >> "$WORK/m$1.log" 2>&1 &
  PIDS[$1]=$!
}
export ETCDCTL_API=3
EP=127.0.0.1:${CP[1]},127.0.0.1:${CP[2]},127.0.0.1:${CP[3]}
# "raft_index raft_applied_index leader member_id db_size" of one endpoint, or "- - - - -" when it does not answer.
status() {
  etcdctl --endpoints=127.0.0.1:${CP[$1]} --command-timeout=3s endpoint status -w json 2>/dev/null | python3 -c '
import json,sys
try:
    s=json.load(sys.stdin)[0]["Status"]
    ri=s.get("raftIndex", s.get("raft_index", 0))
    print(ri, s.get("raftAppliedIndex", s.get("raft_applied_index", ri)), s["leader"], s["header"]["member_id"], s.get("dbSize", s.get("db_size", 0)))
except Exception: print("- - - - -")'
}
leader_num() { for i in 1 2 3; do read -r ri ai ld me db <<< "$(status $i)"; [ "$ld" != - ] && [ "$ld" = "$me" ] && { echo $i; return; }; done; echo 0; }
rss() { grep -E "^$2:" /proc/$1/status 2>/dev/null | awk '{print $2}'; } # kB
mib() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1048576}'; }
dirbytes() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END{print s+0}'; } # bytes in files
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }

echo "== snapshot bench: SIZE_MB=$SIZE_MB value ${VALUE_KB}KiB x$PER_TXN/txn, $THREADS threads, $SMALL small puts; work $WORK"
echo "   binary $CAIRN ($(stat -c %y "$CAIRN" | cut -d. -f1)), commit ${CAIRN_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)}, nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC"
for i in 1 2 3; do start_member $i; done
for t in $(seq 1 240); do etcdctl --endpoints=$EP endpoint health >/dev/null 2>&1 && break; sleep 0.5; done
L=$(leader_num)
[ "$L" = 0 ] && { echo "FAIL: no leader after start"; exit 1; }
# The lagging member: m3, unless m3 leads (then the highest-numbered follower).
LAG=3; [ "$L" = 3 ] && LAG=2
echo "leader m$L (pid ${PIDS[$L]}), lagging member m$LAG (pid ${PIDS[$LAG]})"

# 2. stop the lagging member
read -r ri0 ai0 _ <<< "$(status $LAG)"
kill ${PIDS[$LAG]}; wait ${PIDS[$LAG]}; echo "stopped m$LAG (exit $?) at raft_index $ri0 applied $ai0"; PIDS[$LAG]=

# 3. load through the leader
nice -n 5 /usr/bin/python3 "$HERE/load.py" 127.0.0.1:${CP[$L]} $SIZE_MB $VALUE_KB $PER_TXN $THREADS $SMALL || { echo "FAIL: load"; exit 1; }
L2=$(leader_num); [ "$L2" != "$L" ] && echo "NOTE: leader changed during the load: m$L -> m$L2"
L=$L2
sleep 2  # let the followers apply and the compactions land
for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && { read -r ri ai ld me db <<< "$(status $i)"; echo "m$i: raft_index $ri applied $ai dbSize $(mib $db) MiB, member dir $(mib $(dirbytes $WORK/m$i/member)) MiB, snap/ $(ls $WORK/m$i/member/snap 2>/dev/null | wc -l) files, VmHWM $(($(rss ${PIDS[$i]} VmHWM)/1024)) MiB"; }; done
read -r LRI LAI _ <<< "$(status $L)"
echo "m$LAG is $((LAI - ai0)) entries behind (its last index $ri0; the leader compacts every 2000 applied entries, keeping up to 5000 more only for a follower that answers)"
echo "leader m$L snap/ before the restart:"; ls -l --time-style=+%T $WORK/m$L/member/snap | grep -v '^total' | sed 's/^/  /'
LAGDIR0=$(dirbytes $WORK/m$LAG/member)
LHWM0=$(rss ${PIDS[$L]} VmHWM)
curl -s http://127.0.0.1:${CP[$L]}/metrics > "$WORK/metrics-leader-before.txt"

# 4. restart the lagging member and time its catch-up
T0=$(date +%s.%N)
start_member $LAG
echo "restarted m$LAG (pid ${PIDS[$LAG]}) with the same data dir and flags at $(date -u +%T.%3N) (t=0 below)"
# sampler: time since restart, leader RSS, lagger RSS (kB), bytes in lagger's snap/ (committed .snap + .tmp),
# number of .tmp files in the leader's snap/ (a snapshot being produced from its store)
( while :; do
    echo "$(elapsed $T0) $(rss ${PIDS[$L]} VmRSS) $(rss ${PIDS[$LAG]} VmRSS) $(dirbytes $WORK/m$LAG/member/snap) $(ls $WORK/m$L/member/snap 2>/dev/null | grep -c '\.tmp$')"
    sleep 0.2
  done ) > "$WORK/samples.txt" 2>/dev/null &
SAMPLER=$!
CAUGHT=
while :; do
  E=$(elapsed $T0)
  if ! kill -0 ${PIDS[$LAG]} 2>/dev/null; then wait ${PIDS[$LAG]}; echo "FAIL: m$LAG exited (code $?) after $E s"; PIDS[$LAG]=; break; fi
  read -r lri lai _ <<< "$(status $L)"
  read -r mri mai _ <<< "$(status $LAG)"
  echo "$E $lai $mai" >> "$WORK/catchup.txt"
  if [ "$mai" != - ] && [ "$lai" != - ] && [ "$mai" -ge "$lai" ]; then CAUGHT=$E; break; fi
  awk -v e="$E" 'BEGIN{exit !(e > '"$CATCHUP_TIMEOUT"')}' && { echo "FAIL: m$LAG not caught up after $E s (its applied $mai, leader's $lai)"; break; }
  sleep 0.2
done
LHWM1=$(rss ${PIDS[$L]} VmHWM); MHWM=$([ -n "${PIDS[$LAG]}" ] && rss ${PIDS[$LAG]} VmHWM)
kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null; SAMPLER=
curl -s http://127.0.0.1:${CP[$L]}/metrics > "$WORK/metrics-leader-after.txt"
[ -n "${PIDS[$LAG]}" ] && curl -s http://127.0.0.1:${CP[$LAG]}/metrics > "$WORK/metrics-lagger-after.txt"
SNAPBYTES=$(cat $WORK/m$LAG/member/snap/*.snap 2>/dev/null | wc -c)
echo "== results"
if [ -n "$CAUGHT" ]; then
  echo "catch-up: m$LAG applied index $mai >= leader's $lai after $CAUGHT s (from the restart; includes process start)"
  awk -v s="$CAUGHT" -v m="$SIZE_MB" 'BEGIN{printf "catch-up rate: %.1f MiB of loaded data / s\n", m/s}'
fi
# from the samples: first time snap/ had bytes, time it reached its final size (the transfer), peak RSS seen
python3 - "$WORK/samples.txt" "$SNAPBYTES" <<'EOF'
import sys
rows=[]
for line in open(sys.argv[1]):
    p=line.split()
    if len(p)==5 and all(x.replace('.','').isdigit() for x in p): rows.append((float(p[0]),int(p[1]),int(p[2]),int(p[3]),int(p[4])))
final=int(sys.argv[2] or 0)
if not rows: print("no samples"); sys.exit()
first=next((r[0] for r in rows if r[3]>0), None)
top=max(r[3] for r in rows)
full=next((r[0] for r in rows if r[3]>=top), None)
print("samples: %d over %.1f s" % (len(rows), rows[-1][0]))
if first is not None:
    print("snapshot file: first bytes at %.1f s, %.1f MiB (largest seen in snap/) by %.1f s: transfer %.1f s = %.1f MiB/s"
          % (first, top/1048576, full, full-first, top/1048576/max(full-first,0.001)))
else:
    print("snapshot file: none seen in snap/ (no snapshot installed, or it came and went between samples)")
prod=[r[0] for r in rows if r[4]>0]
if prod: print("leader producing a snapshot file (.tmp in its snap/) from %.1f s to %.1f s (sampled)" % (prod[0], prod[-1]))
else: print("leader producing a snapshot file: not seen after the restart")
print("committed .snap files now: %.1f MiB" % (final/1048576))
print("peak sampled VmRSS: leader %.0f MiB, lagging member %.0f MiB" % (max(r[1] for r in rows)/1024, max(r[2] for r in rows)/1024))
EOF
awk 'NR==1{} $3!="-" && !a {printf "m'$LAG' first answered status at %.1f s (applied %s)\n", $1, $3; a=1; first=$3}
     $3!="-" && a && $3!=first && !b {printf "m'$LAG' applied index first moved at %.1f s (to %s)\n", $1, $3; b=1}' "$WORK/catchup.txt"
for f in $WORK/m$LAG/member/snap/*.snap; do [ -e "$f" ] || continue; n=$(basename $f); id=${n%-*}
  echo "m$LAG's $n committed at $(awk -v a=$(stat -c %.3Y $f) -v b=$T0 'BEGIN{printf "%.1f", a-b}') s; the leader's file for ${id}: $(for g in $WORK/m$L/member/snap/$id-*.snap; do [ -e "$g" ] && awk -v a=$(stat -c %.3Y $g) -v b=$T0 'BEGIN{printf "committed at %.1f s", a-b}'; done)"; done
echo "status polls: $(wc -l < $WORK/catchup.txt); the one before the catch-up at $(tail -2 $WORK/catchup.txt | head -1 | cut -d' ' -f1) s (m$LAG applied $(tail -2 $WORK/catchup.txt | head -1 | cut -d' ' -f3); '-' = no answer within 3 s)"
echo "VmHWM: leader $((LHWM0/1024)) MiB before the restart, $((LHWM1/1024)) MiB after the catch-up; lagging member $((${MHWM:-0}/1024)) MiB (since its restart)"
echo "m$LAG member dir: $(mib $LAGDIR0) MiB before, $(mib $(dirbytes $WORK/m$LAG/member)) MiB after; files (and the leader's snap/):"
ls -l --time-style=+%T $WORK/m$LAG/member $WORK/m$LAG/member/snap $WORK/m$L/member/snap 2>/dev/null | grep -v '^total' | sed 's/^/  /'
echo "leader metrics delta (snapshot loop seconds, leader changes):"
for f in before after; do echo "  $f: $(grep -E '^cairn_node_loop_seconds_total\{part="snapshot"\}|^etcd_server_leader_changes_seen_total' $WORK/metrics-leader-$f.txt | tr '\n' ' ')"; done
echo "m$LAG log lines about the store/snapshot/leader:"
awk -v t="$(date -u -d @${T0%.*} +%FT%T)" '$1 >= t' "$WORK/m$LAG.log" | grep -v Microsoft.Hosting | tail -n 15 | cut -c1-300 | sed 's/^/  /'
echo "leader m$L log lines about snapshots/warnings:"
grep -i -E "snap|warn|fail|error" "$WORK/m$L.log" | tail -n 15 | cut -c1-300 | sed 's/^/  /'

# 5. verify. HashKV first, once per member with etcdctl (HASHKV_TIMEOUT, default 120s, is etcdctl's --command-timeout,
# the gRPC deadline of the whole call: the 5 s default is shorter than a hash of a 1 GiB store), one member at a time;
# then a client-side digest of every key (verify.py, paged Ranges, which run on the member's loop).
HASHES=$(for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && { H0=$(date +%s.%N); etcdctl --endpoints=127.0.0.1:${CP[$i]} --command-timeout=${HASHKV_TIMEOUT:-120s} endpoint hashkv -w json 2>"$WORK/hashkv-m$i.err" | python3 -c '
import json,sys
try: print(json.load(sys.stdin)[0]["HashKV"]["hash"])
except Exception: print("error")' | tr '\n' ' '; echo "$(elapsed $H0)s VmHWM $(($(rss ${PIDS[$i]} VmHWM)/1024))MiB"; }; done)
echo "hashkv (one etcdctl call per member, --command-timeout=${HASHKV_TIMEOUT:-120s}: hash, seconds, member VmHWM after): $(echo $HASHES)"
for i in 1 2 3; do [ -s "$WORK/hashkv-m$i.err" ] && echo "  m$i etcdctl: $(tail -1 $WORK/hashkv-m$i.err | cut -c1-200)"; done
HASHES=$(echo "$HASHES" | cut -d' ' -f1)
echo "leader changes seen in logs after the hashkv: $(grep -h -i "lost leader\|elected leader\|became leader" "$WORK"/m*.log | wc -l)"
echo "client-side digest of every key (keys, revisions, versions; VALUES=1 adds values), read serializable from each member:"
VOK=; VALUES=${VALUES:-0} /usr/bin/python3 "$HERE/verify.py" $(for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && echo 127.0.0.1:${CP[$i]}; done) 2>&1 | cut -c1-200 | grep -v '^\s*debug_error_string\|^>$'
[ ${PIPESTATUS[0]} = 0 ] && VOK=1
HOK=; [ $(echo "$HASHES" | wc -l) = 3 ] && [ $(echo "$HASHES" | sort -u | wc -l) = 1 ] && [ "$(echo "$HASHES" | head -1)" != error ] && HOK=1
if [ -n "$CAUGHT" ] && { [ -n "$HOK" ] || [ -n "$VOK" ]; } && [ $(for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && echo; done | wc -l) = 3 ]; then
  echo "PASS (hashkv agree: ${HOK:-no}, digests agree: ${VOK:-no})"; RC=0
else
  echo "FAIL (caught up: ${CAUGHT:-no}, hashkv agree: ${HOK:-no}, digests agree: ${VOK:-no})"; RC=1
fi
echo "leader changes seen in logs: $(grep -h -i "lost leader\|elected leader\|became leader" "$WORK"/m*.log | wc -l); load now $(cut -d' ' -f1-3 /proc/loadavg)"
cleanup; trap - EXIT
[ -z "${KEEP:-}" ] && [ $RC = 0 ] && [ -z "${1:-}" ] && rm -rf "$WORK"
exit $RC

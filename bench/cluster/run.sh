#!/bin/bash
# Starts a 3-member cluster (cairn, or etcd with SERVER=etcd) on free 127.0.0.1 ports, measures single-client
# put latency, `etcdctl check perf` and dumps the disk/loop metrics, then stops the members by PID.
# Usage: bench/cluster/run.sh [cairn|etcd] [s|m|sm|none] [workdir]
set -u
SERVER=${1:-cairn}; LOADS=${2:-sm}; WORK=${3:-$(mktemp -d /tmp/cairn-perf.XXXX)}
mkdir -p "$WORK"
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
CAIRN=${CAIRN:-$ROOT/src/Host/bin/Release/net10.0/cairn}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -a CP PP PIDS
for i in 1 2 3; do CP[$i]=$(free_port); PP[$i]=$(free_port); done
CLUSTER="m1=http://127.0.0.1:${PP[1]},m2=http://127.0.0.1:${PP[2]},m3=http://127.0.0.1:${PP[3]}"
BIN=$CAIRN; [ "$SERVER" = etcd ] && BIN=/usr/bin/etcd
for i in 1 2 3; do
  "$BIN" --name m$i --data-dir "$WORK/m$i" \
    --listen-client-urls http://127.0.0.1:${CP[$i]} --advertise-client-urls http://127.0.0.1:${CP[$i]} \
    --listen-peer-urls http://127.0.0.1:${PP[$i]} --initial-advertise-peer-urls http://127.0.0.1:${PP[$i]} \
    --initial-cluster $CLUSTER --initial-cluster-token perf --initial-cluster-state new > "$WORK/m$i.log" 2>&1 &
  PIDS[$i]=$!
done
trap 'kill ${PIDS[1]} ${PIDS[2]} ${PIDS[3]} 2>/dev/null; wait ${PIDS[1]} ${PIDS[2]} ${PIDS[3]} 2>/dev/null' EXIT
export ETCDCTL_API=3
EP=127.0.0.1:${CP[1]},127.0.0.1:${CP[2]},127.0.0.1:${CP[3]}
for t in $(seq 1 240); do etcdctl --endpoints=$EP endpoint health >/dev/null 2>&1 && break; sleep 0.5; done
LEADER=$(etcdctl --endpoints=$EP endpoint status -w json | python3 -c 'import json,sys; s=json.load(sys.stdin); print([e["Endpoint"] for e in s if e["Status"]["leader"]==e["Status"]["header"]["member_id"]][0])')
echo "server $SERVER work $WORK leader $LEADER load $(cut -d' ' -f1 /proc/loadavg) at $(date -u +%H:%M)"
snap() { for i in 1 2 3; do curl -s http://127.0.0.1:${CP[$i]}/metrics > "$WORK/metrics-$1-m$i.txt"; done; }
deltas() { for i in 1 2 3; do echo "  -- m$i"; python3 "$HERE/metrics_delta.py" "$WORK/metrics-$1-m$i.txt" "$WORK/metrics-$2-m$i.txt"; done; }
snap start
/usr/bin/python3 "$HERE/put_latency.py" $LEADER ${PUTS:-500}
snap puts; [ "$SERVER" = cairn ] && deltas start puts
prev=puts
for load in $(echo $LOADS | grep -o .); do
  [ "$load" = n ] && continue
  echo "check perf --load=$load (load $(cut -d' ' -f1 /proc/loadavg))"
  etcdctl --endpoints=$EP check perf --load=$load > "$WORK/perf-$load.txt" 2>&1
  tr '\r' '\n' < "$WORK/perf-$load.txt" | grep -E "^(PASS|FAIL|Slowest|Stddev)" 
  echo "  errors: $(grep -c '"level":"warn"' "$WORK/perf-$load.txt") warnings, $(grep -c 'no leader' "$WORK/perf-$load.txt") 'no leader', $(grep -ci 'timed out\|deadline' "$WORK/perf-$load.txt") timeouts"
  snap $load; [ "$SERVER" = cairn ] && deltas $prev $load; prev=$load
done
grep -h -i "lost leader\|elected leader" "$WORK"/m*.log | wc -l | sed 's/^/leader log lines: /'

# The server-facing checks of python-etcd3's upstream suite (kragniz/python-etcd3 tests/test_etcd3.py), rewritten
# as one bounded script for Debian's python3-etcd3 0.12 against one cairn member. Argument: host:port.
import json
import subprocess
import sys
import tempfile
import threading
import time

import etcd3
import etcd3.etcdrpc as etcdrpc
import etcd3.utils as utils

host, port = sys.argv[1].split(":")
etcd = etcd3.client(host=host, port=int(port), timeout=5)
P = "/up/"


def prefix_range(prefix, **fields):
    # 0.12's get_prefix_response drops limit/revision/count_only; upstream's newer client sends them: send them here
    key = utils.to_bytes(prefix)
    request = etcdrpc.RangeRequest(key=key, range_end=utils.increment_last_byte(key), **fields)
    return etcd.kvstub.Range(request, etcd.timeout)


def clean():
    etcd.delete_prefix("/")


def check(name, fn):
    clean()
    fn()
    print("ok", name, flush=True)


def kv():
    assert etcd.get(P + "missing") == (None, None)
    r = etcd.put(P + "k", "old")
    assert r.header.revision > 0
    assert etcd.put(P + "k", "new", prev_kv=True).prev_kv.value == b"old"
    assert etcd.put_if_not_exists(P + "k", "x") is False
    assert etcd.put_if_not_exists(P + "n", "x") is True
    assert etcd.replace(P + "k", "new", "newer") is True
    assert etcd.replace(P + "k", "new", "nope") is False
    d = etcd.delete(P + "k", prev_kv=True, return_response=True)
    assert d.prev_kvs[0].value == b"newer" and d.header.revision > 0
    assert etcd.delete(P + "k") is False
    revisions = []
    for i in range(20):
        revisions.append(etcd.put(P + "range{}".format(i), "v").header.revision)
    for i in range(5):
        etcd.put(P + "notrange{}".format(i), "w")
    assert len(list(etcd.get_prefix(P + "range"))) == 20
    assert all(not v and m.key.startswith(b"/up/range") for v, m in etcd.get_prefix(P + "range", keys_only=True))
    assert len(list(etcd.get_prefix(P + "range", serializable=True))) == 20
    resp = prefix_range(P + "range", count_only=True)
    assert len(resp.kvs) == 0 and resp.count == 20
    for i in range(20):
        resp = prefix_range(P + "range", limit=i)
        assert resp.count == 20
        assert (len(resp.kvs), resp.more) == ((20, False) if i == 0 else (i, True))
    for i, rev in enumerate(revisions):
        assert prefix_range(P + "range", revision=rev).count == i + 1
    assert len(list(etcd.get_range(P + "notrange1", P + "notrange4"))) == 3
    assert len(list(etcd.get_prefix("/"))) == 26  # upstream: get_all on an empty store; this one is shared
    keys = [m.key for _, m in etcd.get_prefix(P + "notrange", sort_order="descend")]
    assert keys == sorted(keys, reverse=True)
    assert etcd.delete_prefix(P + "notrange").deleted == 5
    empty = etcd.get_prefix_response(P + "nothing")
    assert empty.count == 0 and empty.header.revision > 0


def txn():
    etcd.put(P + "txn", "dootdoot")
    ok, _ = etcd.transaction(compare=[etcd.transactions.value(P + "txn") == "dootdoot"],
                             success=[etcd.transactions.put(P + "txn", "success")],
                             failure=[etcd.transactions.put(P + "txn", "failure")])
    assert ok and etcd.get(P + "txn")[0] == b"success"
    etcd.transaction(compare=[], success=[etcd.transactions.put(P + "t1", "1"), etcd.transactions.txn(
        compare=[], success=[etcd.transactions.put(P + "t2", "2")], failure=[])], failure=[])
    assert etcd.get(P + "t2")[0] == b"2"
    etcd.put(P + "r/1", "a")
    etcd.put(P + "r/2", "b")
    end = utils.increment_last_byte(utils.to_bytes(P + "r/"))
    compare = [etcd.transactions.value(P + "r/", end) == "a"]
    assert etcd.transaction(compare=compare, success=[], failure=[])[0] is False
    etcd.put(P + "r/2", "a")
    assert etcd.transaction(compare=compare, success=[], failure=[])[0] is True


def watch():
    # watch_response / watch_once_response: history from start_revision comes in one response (etcd's syncWatchers)
    rev = etcd.put(P + "w", "0").header.revision
    etcd.put(P + "w", "1")
    it, cancel = etcd.watch_response(P + "w", start_revision=rev)
    first = next(it)
    cancel()
    second = etcd.watch_once_response(P + "w", start_revision=rev, timeout=5)
    for r in (first, second):
        assert [e.value for e in r.events] == [b"0", b"1"], r.events
    ops = [etcd.transactions.put(P + "wp/0", "0"), etcd.transactions.put(P + "wp/1", "1")]
    rev = etcd.transaction([], ops, [])[1][0].response_put.header.revision
    r = etcd.watch_prefix_once_response(P + "wp/", start_revision=rev, timeout=5)
    assert r.header.revision == rev and len(r.events) == 2
    # live events through a callback (0.12 cannot send upstream's NODELETE filter)
    events = []
    done = threading.Event()

    def callback(resp):
        events.extend(resp.events)
        if len(events) >= 2:
            done.set()

    wid = etcd.add_watch_prefix_callback(P + "cb/", callback)
    etcd.put(P + "cb/0", "0")
    etcd.put(P + "cb/1", "1")
    assert done.wait(10)
    etcd.cancel_watch(wid)
    assert [(e.key, e.value) for e in events] == [(b"/up/cb/0", b"0"), (b"/up/cb/1", b"1")]
    # compaction: a start below it raises RevisionCompactedError; a start at it is served
    base = etcd.put(P + "c", "0").header.revision
    etcd.put(P + "c", "1")
    etcd.compact(base)
    it, cancel = etcd.watch(P + "c", start_revision=base - 1)
    try:
        next(it)
        raise AssertionError("expected RevisionCompactedError")
    except etcd3.exceptions.RevisionCompactedError as err:
        assert err.compacted_revision == base
    it, cancel = etcd.watch(P + "c", start_revision=base)
    assert next(it).value == b"0"
    assert next(it).value == b"1"
    cancel()


def lease():
    lease = etcd.lease(1)
    assert isinstance(lease.ttl, int) and isinstance(lease.id, int)
    assert lease.keys == []
    etcd.put(P + "lease", "v", lease=lease)
    assert lease.keys == [b"/up/lease"]
    assert 0 <= lease.remaining_ttl <= lease.granted_ttl
    time.sleep(lease.granted_ttl + 2)
    assert etcd.get(P + "lease")[0] is None
    other = etcd.lease(60)
    other.revoke()


def lock():
    lock = etcd.lock("lock-1", ttl=10)
    assert lock.acquire() is True
    assert etcd.get(lock.key)[0] is not None
    assert lock.is_acquired() is True
    # 0.12's retrying acquire (a contended lock) breaks on Debian's tenacity 8, against etcd too: uncontended only
    contender = etcd.lock("lock-1", ttl=10)
    assert contender.is_acquired() is False
    assert lock.release() is True
    assert etcd.get(lock.key)[0] is None
    assert contender.acquire(timeout=5) is True
    assert lock.is_acquired() is False
    contender.release()
    with etcd.lock("lock-2", ttl=2) as held:
        assert held.is_acquired() is True
    assert held.is_acquired() is False


def cluster():
    members = list(etcd.members)
    assert len(members) == 1 and isinstance(members[0].id, int)
    assert all(u.startswith("http://") for u in list(members[0].peer_urls) + list(members[0].client_urls))
    status = etcd.status()
    assert status.leader.id in [m.id for m in etcd.members]
    assert isinstance(etcd.hash(), int)
    rev = etcd.put(P + "x", "1").header.revision
    etcd.compact(rev)
    try:
        etcd.compact(rev)
        raise AssertionError("second compaction at the same revision must fail")
    except Exception as err:
        assert "compacted" in str(err), err


def alarms():
    # upstream TestAlarms: an alarm keeps the member id it is raised with, 0 ("all members") included
    member = next(etcd.members)
    try:
        raised = etcd.create_alarm()
        assert len(raised) == 1 and raised[0].member_id == 0 and raised[0].alarm_type == etcdrpc.NOSPACE, raised
        raised = etcd.create_alarm(member_id=member.id)
        assert len(raised) == 1 and raised[0].member_id == member.id, raised
        listed = sorted(a.member_id for a in etcd.list_alarms())
        assert listed == sorted([0, member.id]), listed
        etcd.disarm_alarm()
        assert [a.member_id for a in etcd.list_alarms()] == [member.id]
    finally:
        etcd.disarm_alarm()
        etcd.disarm_alarm(member.id)
    assert list(etcd.list_alarms()) == []


def snapshot():
    # upstream test_snapshot: etcdctl snapshot status reads the file (a bbolt database, as etcd's)
    rev = etcd.put(P + "snap", "v").header.revision
    with tempfile.NamedTemporaryFile() as f:
        etcd.snapshot(f)
        f.flush()
        status = json.loads(subprocess.check_output(["etcdctl", "snapshot", "status", f.name, "-w", "json"], timeout=30))
    assert status["revision"] >= rev and status["totalKey"] > 0, status


for name, fn in [("kv", kv), ("txn", txn), ("watch", watch), ("lease", lease), ("lock", lock), ("cluster", cluster),
                 ("alarms", alarms), ("snapshot", snapshot)]:
    check(name, fn)
clean()
print("python etcd3 upstream ok")

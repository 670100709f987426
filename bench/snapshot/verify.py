#!/usr/bin/env python3
"""Client-side check that members hold the same keys: reads every key with keys_only (serializable, so each member
answers from its own store) and hashes key, create/mod revision and version with SHA-256. VALUES=1 also reads and
hashes the values, in pages of PAGE keys (slow: ~1 MiB/s on a loaded 2-core box, so off by default).
Usage: verify.py HOST:PORT [HOST:PORT ...]; prints one line per member and exits 0 when all digests agree.
(`etcdctl endpoint hashkv` is the first check in run.sh; this is the fallback when HashKV does not answer.)"""
import hashlib, sys, time
import os
import etcd3
from etcd3 import etcdrpc

VALUES = os.environ.get("VALUES") == "1"
PAGE = 32 if VALUES else 512  # 32 x 64 KiB = 2 MiB, under gRPC's default 4 MiB receive limit; pages keep each read short on the loop


def digest(ep):
    host, port = ep.rsplit(":", 1)
    c = etcd3.client(host=host, port=int(port), timeout=120)
    h = hashlib.sha256(); n = 0; total = 0; rev = None
    key = b"\0"
    start = time.time()
    while True:
        req = etcdrpc.RangeRequest(key=key, range_end=b"\0", limit=PAGE, serializable=True, keys_only=not VALUES,
                                   sort_order=etcdrpc.RangeRequest.ASCEND, sort_target=etcdrpc.RangeRequest.KEY)
        if rev is not None:
            req.revision = rev  # one revision for the whole scan
        resp = c.kvstub.Range(req, c.timeout, credentials=c.call_credentials, metadata=c.metadata)
        if rev is None:
            rev = resp.header.revision
        for kv in resp.kvs:
            for part in (kv.key, b"%d %d %d" % (kv.create_revision, kv.mod_revision, kv.version), kv.value):
                h.update(len(part).to_bytes(8, "little")); h.update(part)
            n += 1; total += len(kv.value)
        if not resp.more or not resp.kvs:
            break
        key = resp.kvs[-1].key + b"\0"
    c.close()
    return rev, n, total, h.hexdigest()[:16], time.time() - start


results = []
for ep in sys.argv[1:]:
    try:
        rev, n, total, d, el = digest(ep)
        print("  %s: revision %d, %d keys, %s sha256 %s (%.1f s)" % (ep, rev, n, "%.1f MiB of values," % (total / 1048576) if VALUES else "keys+revisions only,", d, el), flush=True)
        results.append((rev, n, d))
    except Exception as e:  # noqa: BLE001
        print("  %s: error %r" % (ep, e), flush=True)
        results.append(None)
sys.exit(0 if None not in results and len(set(results)) == 1 else 1)

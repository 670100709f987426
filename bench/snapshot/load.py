#!/usr/bin/env python3
"""Loads SIZE_MB of data through one endpoint: VALUE_KB values, PER_TXN puts per txn, THREADS client threads.
Then SMALL small puts (one per request) so the log is compacted past a stopped member's index.
Usage: load.py HOST:PORT SIZE_MB [VALUE_KB=64] [PER_TXN=16] [THREADS=4] [SMALL=2500]
Prints one line per phase; exits 1 when a request fails (after retries)."""
import os, sys, threading, time
import etcd3

ep = sys.argv[1]; size_mb = int(sys.argv[2])
value_kb = int(sys.argv[3]) if len(sys.argv) > 3 else 64
per_txn = int(sys.argv[4]) if len(sys.argv) > 4 else 16
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
small = int(sys.argv[6]) if len(sys.argv) > 6 else 2500
host, port = ep.rsplit(":", 1)

value_bytes = value_kb * 1024
total_values = size_mb * 1024 // value_kb
txns = (total_values + per_txn - 1) // per_txn
# A few random blocks (nothing compresses them); each value is one block with its key number in front.
blocks = [os.urandom(value_bytes) for _ in range(8)]

lock = threading.Lock()
next_txn = [0]
errors = []
retries = [0]


def worker(tid):
    c = etcd3.client(host=host, port=int(port), timeout=60)
    try:
        while True:
            with lock:
                t = next_txn[0]; next_txn[0] += 1
            if t >= txns or errors:
                return
            ops = []
            for j in range(per_txn):
                n = t * per_txn + j
                if n >= total_values:
                    break
                key = "/bench/snap/big/%08d" % n
                v = b"%08d" % n + blocks[n % len(blocks)][8:]
                ops.append(c.transactions.put(key, v))
            for attempt in range(5):
                try:
                    ok, _ = c.transaction(compare=[], success=ops, failure=[])
                    break
                except Exception as e:  # noqa: BLE001 - report and retry: a put of the same value twice is harmless here
                    with lock:
                        retries[0] += 1
                    if attempt == 4:
                        with lock:
                            errors.append("txn %d: %r" % (t, e))
                        return
                    time.sleep(0.5)
    finally:
        c.close()


start = time.time()
ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
el = time.time() - start
mb = total_values * value_bytes / 1048576
print("load: %d values of %d KiB in %d txns of %d puts, %d threads: %.1f MiB in %.1f s = %.1f MiB/s (%d retries)"
      % (total_values, value_kb, txns, per_txn, threads, mb, el, mb / el, retries[0]), flush=True)
if errors:
    print("load FAILED: " + "; ".join(errors[:5]), flush=True)
    sys.exit(1)

c = etcd3.client(host=host, port=int(port), timeout=30)
start = time.time()
for i in range(small):
    for attempt in range(5):
        try:
            c.put("/bench/snap/small/%05d" % i, "v%d" % i)
            break
        except Exception as e:  # noqa: BLE001
            if attempt == 4:
                print("small puts FAILED at %d: %r" % (i, e), flush=True)
                sys.exit(1)
            time.sleep(0.5)
el = time.time() - start
print("small: %d puts in %.1f s (%.0f/s)" % (small, el, small / el), flush=True)

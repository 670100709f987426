#!/usr/bin/python3
"""Sequential puts from one client (python3-etcd3): prints p50/p90/p99/mean in ms and puts/s."""
import sys, time, etcd3

host, port = sys.argv[1].split(':')
count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
client = etcd3.client(host=host, port=int(port), timeout=10)
value = b'x' * 256
times = []
for i in range(count):
    start = time.perf_counter()
    client.put('/perf/seq/%d' % (i % 64), value)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
total = sum(times)
print('puts %d p50 %.1f ms p90 %.1f ms p99 %.1f ms max %.1f ms mean %.1f ms (%.0f puts/s)'
      % (count, pick(0.5), pick(0.9), pick(0.99), times[-1], total / count, count / (total / 1000)))

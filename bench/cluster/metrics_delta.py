#!/usr/bin/python3
"""Prints what changed between two /metrics dumps: each histogram's count, mean, p50 and p99 (from its buckets)
and each counter's increase. Usage: metrics_delta.py BEFORE AFTER"""
import re, sys
from collections import defaultdict

NAMES = re.compile(r'^(etcd_disk_wal_fsync_duration_seconds|etcd_disk_backend_commit_duration_seconds|cairn_disk_wal_\w+|'
                   r'cairn_node_loop_\w+|cairn_gc_\w+|etcd_server_leader_changes_seen_total|cairn_threadpool_\w+)')

def parse(path):
    rows = {}
    for line in open(path):
        if line.startswith('#') or not NAMES.match(line): continue
        key, value = line.rsplit(' ', 1)
        rows[key] = float(value)
    return rows

before, after = parse(sys.argv[1]), parse(sys.argv[2])
delta = {k: v - before.get(k, 0.0) for k, v in after.items()}
hist = defaultdict(list)
for k, v in delta.items():
    m = re.match(r'^(\w+)_bucket\{.*le="([^"]+)"\}$', k)
    if m: hist[m.group(1)].append((float('inf') if m.group(2) == '+Inf' else float(m.group(2)), v))
for name in sorted(hist):
    buckets = sorted(hist[name]); count = delta.get(name + '_count', 0); total = delta.get(name + '_sum', 0)
    if count <= 0: continue
    def q(p):
        for le, c in buckets:
            if c >= p * count: return le
    scale, unit = (1, '') if 'per_commit' in name else (1000, ' ms')
    print('  %-48s n=%-6d mean %7.2f%s  p50 <= %g%s  p99 <= %g%s' % (name, count, scale * total / count, unit,
          scale * q(0.5), unit, scale * q(0.99), unit))
for k in sorted(delta):
    if k.startswith('cairn_node_loop_seconds_total') or k.startswith('etcd_server_leader_changes'):
        print('  %-48s +%.2f' % (k, delta[k]))
    elif k.startswith('cairn_gc_'):
        print('  %-48s +%.2f' % (k, delta[k]))
    elif k.startswith('cairn_threadpool') or k.startswith('cairn_node_loop_queued'):
        print('  %-48s %g' % (k, after[k]))

# Smoke test from Python (Debian's python3-etcd3): put, get, prefix, delete, lease, transaction.
import sys
import etcd3

host, port = sys.argv[1].split(":")
client = etcd3.client(host=host, port=int(port))
client.put("py/a", "1")
client.put("py/b", "2")
value, meta = client.get("py/a")
assert value == b"1", value
assert sorted(v for v, _ in client.get_prefix("py/")) == [b"1", b"2"]
lease = client.lease(60)
client.put("py/leased", "x", lease=lease)
assert lease.remaining_ttl > 0
ok, _ = client.transaction(compare=[client.transactions.value("py/a") == "1"],
                           success=[client.transactions.put("py/t", "yes")], failure=[])
assert ok
assert client.delete("py/b")
lease.revoke()
assert client.get("py/leased")[0] is None
print("python etcd3 smoke ok")

using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The replicated half of leases: which leases exist, their granted TTL and the keys attached to
/// them. Remaining time is not replicated; the leader's <see cref="Lessor"/> tracks it.
/// </summary>
internal sealed class LeaseTable
{
    private readonly SortedDictionary<long, Lease> _leases = new();

    /// <summary>One granted lease.</summary>
    /// <param name="Id">The lease id.</param>
    /// <param name="TtlSeconds">The granted TTL.</param>
    /// <param name="Keys">The keys whose live value carries this lease.</param>
    public sealed record Lease(long Id, long TtlSeconds, SortedSet<ByteString> Keys);

    /// <summary>The highest id the table picked itself; the next automatic id starts above it.</summary>
    public long LastPickedId { get; private set; }

    /// <summary>Ids of leases added or removed since the store last persisted them; null when the state
    /// machine has no durable store.</summary>
    internal SortedSet<long>? Changed { get; set; }

    /// <summary>All leases in ascending id order.</summary>
    public IEnumerable<Lease> All => _leases.Values;

    /// <summary>Number of leases.</summary>
    public int Count => _leases.Count;

    /// <summary>True when lease <paramref name="id"/> exists.</summary>
    public bool Contains(long id) => _leases.ContainsKey(id);

    /// <summary>Lease <paramref name="id"/> or null.</summary>
    public Lease? Find(long id) => _leases.GetValueOrDefault(id);

    internal long PickId()
    {
        long id = LastPickedId;
        do
        {
            id = id == long.MaxValue ? 1 : id + 1;
        }
        while (_leases.ContainsKey(id));
        LastPickedId = id;
        return id;
    }

    internal void Add(long id, long ttlSeconds)
    {
        Invariant.Holds(id != 0 && !_leases.ContainsKey(id), "a granted lease id is non-zero and new");
        _leases.Add(id, new Lease(id, ttlSeconds, new SortedSet<ByteString>(KeyOrder.Instance)));
        Changed?.Add(id);
    }

    internal void Remove(long id)
    {
        _leases.Remove(id);
        Changed?.Add(id);
    }

    internal void Attach(long id, ByteString key)
    {
        bool found = _leases.TryGetValue(id, out Lease? lease);
        Invariant.Holds(found, "a put may only attach an existing lease");
        lease!.Keys.Add(key);
    }

    internal void Detach(long id, ByteString key)
    {
        if (_leases.TryGetValue(id, out Lease? lease))
        {
            lease.Keys.Remove(key);
        }
    }

    internal void Reset(long lastPickedId)
    {
        Changed?.UnionWith(_leases.Keys);
        _leases.Clear();
        LastPickedId = lastPickedId;
    }
}

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// A copy-on-write working copy of a partition's sorted keys, used inside one model step: the
/// original array is shared until the first change, so reads allocate nothing.
/// </summary>
internal struct KeyTable(KeyRecord[] keys)
{
    private static readonly Func<KeyRecord, string> KeyOf = static r => r.Key;

    private KeyRecord[] keys = keys;
    private bool owned;

    public readonly KeyRecord[] Keys => keys;

    public readonly ReadOnlySpan<KeyRecord> Span => keys;

    public readonly int IndexOf(string key)
    {
        int i = KeyRange.LowerBound<KeyRecord>(keys, KeyOf, key);
        return i < keys.Length && keys[i].Key == key ? i : ~i;
    }

    public readonly (int Low, int High) Locate(string start, string? end) => KeyRange.Locate<KeyRecord>(keys, KeyOf, start, end);

    public void Put(string key, string value, long revision)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            KeyRecord old = keys[i];
            Set(i, old with { Value = value, ModRevision = revision, Version = old.Version + 1 });
            return;
        }

        i = ~i;
        var grown = new KeyRecord[keys.Length + 1];
        keys.AsSpan(0, i).CopyTo(grown);
        grown[i] = new KeyRecord(key, value, revision, revision, 1);
        keys.AsSpan(i).CopyTo(grown.AsSpan(i + 1));
        keys = grown;
        owned = true;
    }

    public int Delete(string start, string? end)
    {
        (int low, int high) = Locate(start, end);
        int count = high - low;
        if (count == 0)
        {
            return 0;
        }

        var shrunk = new KeyRecord[keys.Length - count];
        keys.AsSpan(0, low).CopyTo(shrunk);
        keys.AsSpan(high).CopyTo(shrunk.AsSpan(low));
        keys = shrunk;
        owned = true;
        return count;
    }

    public void Set(int index, KeyRecord record)
    {
        if (!owned)
        {
            keys = (KeyRecord[])keys.Clone();
            owned = true;
        }

        keys[index] = record;
    }
}

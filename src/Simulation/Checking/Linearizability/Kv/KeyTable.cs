namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// A copy-on-write working copy of a partition's sorted keys, used inside one model step: the
/// original array is shared until the first change, so reads allocate nothing.
/// </summary>
internal struct KeyTable(KeyRecord[] keys, WriteLog? log)
{
    private static readonly Func<KeyRecord, string> KeyOf = static r => r.Key;

    private KeyRecord[] keys = keys;
    private bool owned;

    public readonly KeyRecord[] Keys => keys;

    /// <summary>Every write so far, newest first, for historical reads.</summary>
    public WriteLog? Log { readonly get; private set; } = log;

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
            Log = new WriteLog(keys[i], Log);
            return;
        }

        i = ~i;
        var grown = new KeyRecord[keys.Length + 1];
        keys.AsSpan(0, i).CopyTo(grown);
        grown[i] = new KeyRecord(key, value, revision, revision, 1);
        keys.AsSpan(i).CopyTo(grown.AsSpan(i + 1));
        keys = grown;
        owned = true;
        Log = new WriteLog(grown[i], Log);
    }

    /// <summary>Deletes the keys in the range at <paramref name="revision"/> (which may be a lower bound).</summary>
    public int Delete(string start, string? end, long revision)
    {
        (int low, int high) = Locate(start, end);
        int count = high - low;
        if (count == 0)
        {
            return 0;
        }

        for (int i = low; i < high; i++)
        {
            Log = WriteLog.Deletion(keys[i].Key, revision, Log);
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

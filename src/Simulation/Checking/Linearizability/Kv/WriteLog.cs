namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// The writes linearized so far in one partition, newest first: an immutable linked list, so a
/// model step appends in O(1) and states share their past. Each entry is the key's record after
/// the write; a deletion is a record with version 0 whose mod revision is the deleting revision.
/// Historical reads (<see cref="KvModel"/>) look a key's state up here at a past revision.
/// </summary>
internal sealed class WriteLog
{
    public WriteLog(KeyRecord write, WriteLog? earlier)
    {
        Write = write;
        Earlier = earlier;
        Hash = HashCode.Combine(earlier?.Hash ?? 0, write);
    }

    /// <summary>The key's record after the write (version 0 = deleted).</summary>
    public KeyRecord Write { get; }

    /// <summary>The write linearized before this one, or null.</summary>
    public WriteLog? Earlier { get; }

    /// <summary>A hash of this entry and every earlier one.</summary>
    public int Hash { get; }

    public static WriteLog Deletion(string key, long revision, WriteLog? earlier) => new(new KeyRecord(key, string.Empty, 0, revision, 0), earlier);

    public static bool IsDeletion(in KeyRecord write) => write.Version == 0;

    /// <summary>Structural equality, stopping at the first shared tail.</summary>
    public static bool Same(WriteLog? a, WriteLog? b)
    {
        while (!ReferenceEquals(a, b))
        {
            if (a is null || b is null || a.Hash != b.Hash || a.Write != b.Write)
            {
                return false;
            }

            a = a.Earlier;
            b = b.Earlier;
        }

        return true;
    }
}

using Cairn.Core;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;

namespace Cairn.Simulation.World;

/// <summary>
/// The simulator's snapshot store: committed files are immutable byte arrays kept in name order (no hash order, no
/// clock), owned by the <see cref="SimDisk"/> so they outlive node restarts as the disk does. The crash model: a
/// commit is durable at once, so a committed file survives <see cref="Crash"/>; a writer still open at the crash is
/// lost, and it can no longer commit afterwards. Names follow etcd's <c>{term:x16}-{index:x16}.snap</c> with a
/// per-store sequence number before the extension, so two snapshots at the same (index, term) never collide.
/// </summary>
public sealed class SimSnapshotStore : ISnapshotStore
{
    /// <summary>The extension of a committed snapshot file.</summary>
    public const string Extension = ".snap";

    private readonly SortedDictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private uint _nextSequence = 1;
    private long _incarnation;

    /// <summary>A committed file: its bytes (never mutated) and their actual CRC-32C.</summary>
    private readonly record struct StoredFile(byte[] Bytes, uint Crc);

    /// <summary>The committed files' names, in name order (for checkers and tests).</summary>
    public IReadOnlyCollection<string> Names => _files.Keys;

    /// <summary>Writers that committed, and bytes flipped by <see cref="FlipByte"/>, so far.</summary>
    public long Commits, BytesFlipped;

    /// <summary>The node crashed: writers open now are lost and refuse to commit. Committed files stay.</summary>
    public void Crash() => _incarnation++;

    /// <inheritdoc />
    public ISnapshotWriter Create(ulong index, ulong term)
    {
        var name = $"{term:x16}-{index:x16}-{_nextSequence++:x8}{Extension}";
        return new Writer(this, name, _incarnation);
    }

    /// <inheritdoc />
    public ISnapshotReader Open(string name, long length, uint crc)
    {
        if (!_files.TryGetValue(name, out var file))
            throw new InvalidDataException($"snapshot file {name} is missing");
        if (file.Bytes.LongLength != length)
            throw new InvalidDataException($"snapshot file {name} holds {file.Bytes.LongLength} bytes, not {length}");
        if (file.Crc != crc)
            throw new InvalidDataException($"snapshot file {name} has CRC-32C {file.Crc:x8}, not {crc:x8}");
        return new Reader(file.Bytes);
    }

    /// <inheritdoc />
    /// <remarks>Uncommitted bytes live only in their writer, so there is never a crash leftover to remove.</remarks>
    public void Retain(string? keep)
    {
        foreach (var name in _files.Keys.Where(n => n != keep).ToList()) _files.Remove(name);
    }

    /// <summary>
    /// Fault hook (not wired yet): flips one byte of the committed file <paramref name="name"/>, as a rotten sector
    /// would. The file is replaced by a damaged copy, so readers already open keep the bytes they opened.
    /// </summary>
    /// <returns>False when no such file is stored or <paramref name="offset"/> lies outside it.</returns>
    public bool FlipByte(string name, long offset)
    {
        if (!_files.TryGetValue(name, out var file) || offset < 0 || offset >= file.Bytes.LongLength) return false;
        var damaged = (byte[])file.Bytes.Clone();
        damaged[offset] ^= 0xFF;
        _files[name] = new StoredFile(damaged, Crc32C.Compute(damaged));
        BytesFlipped++;
        return true;
    }

    private void Store(Writer writer, byte[] bytes)
    {
        Invariant.Holds(writer.Incarnation == _incarnation, "a snapshot writer from before a crash cannot commit");
        _files.Add(writer.Name, new StoredFile(bytes, Crc32C.Compute(bytes)));
        Commits++;
    }

    /// <summary>Collects the bytes in memory; nothing is visible until <see cref="Commit"/>.</summary>
    private sealed class Writer(SimSnapshotStore store, string name, long incarnation) : ISnapshotWriter
    {
        private MemoryStream? _bytes = new();

        public string Name => name;

        public long Incarnation => incarnation;

        public long Length { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Open().Write(bytes);
            Length += bytes.Length;
        }

        public string Commit()
        {
            var bytes = Open().ToArray();
            _bytes = null;
            store.Store(this, bytes);
            return name;
        }

        public void Dispose() => _bytes = null;

        private MemoryStream Open() =>
            _bytes ?? throw new InvalidOperationException($"snapshot writer {name} is committed or disposed");
    }

    /// <summary>Reads the array it was opened on, whatever happens to the store's file afterwards.</summary>
    private sealed class Reader(byte[] bytes) : ISnapshotReader
    {
        private bool _disposed;

        public long Length => bytes.LongLength;

        public void Read(long offset, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, bytes.LongLength, nameof(destination));
            bytes.AsSpan(checked((int)offset), destination.Length).CopyTo(destination);
        }

        public void Dispose() => _disposed = true;
    }
}

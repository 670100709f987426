namespace Cairn.Core.Runtime;

/// <summary>
/// Where a node keeps the bytes of its Raft snapshots (Raft §7) when they are too large for a log record: files, each
/// written once and then immutable, named in the log disk's <c>SnapshotRecord.file</c> with their length and CRC-32C.
/// The log disk's record is the commit point: a file the log disk does not name is garbage, and
/// <see cref="Retain"/> removes it. A file must be durable before <see cref="ISnapshotWriter.Commit"/> returns,
/// because the record naming it is written next.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>
    /// Starts a new file for the snapshot at (<paramref name="index"/>, <paramref name="term"/>). It is invisible to
    /// <see cref="Open"/> and <see cref="Retain"/> until committed; a writer disposed without a commit (or lost in a
    /// crash) leaves nothing behind that a later <see cref="Retain"/> does not remove.
    /// </summary>
    ISnapshotWriter Create(ulong index, ulong term);

    /// <summary>
    /// Opens the committed file <paramref name="name"/> for reading by offset, after checking that it holds exactly
    /// <paramref name="length"/> bytes whose CRC-32C is <paramref name="crc"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing, torn or damaged.</exception>
    ISnapshotReader Open(string name, long length, uint crc);

    /// <summary>
    /// Removes every committed file except <paramref name="keep"/> (none when null), and whatever uncommitted files
    /// a crash left. Readers already open keep reading what they opened. Writers still open are not affected.
    /// </summary>
    void Retain(string? keep);
}

/// <summary>A snapshot file being written, in order. Dispose without <see cref="Commit"/> abandons it.</summary>
public interface ISnapshotWriter : IDisposable
{
    /// <summary>Bytes written so far.</summary>
    long Length { get; }

    /// <summary>Appends <paramref name="bytes"/>.</summary>
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Makes the file durable and visible under the returned name (an atomic step: after a crash the file is
    /// either whole under its name or not there). The writer accepts nothing after it.</summary>
    string Commit();
}

/// <summary>A committed snapshot file, read by offset (the leader reads the chunks it sends; a restore reads it in
/// order).</summary>
public interface ISnapshotReader : IDisposable
{
    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>Copies the bytes at <paramref name="offset"/> into <paramref name="destination"/>, which must lie within
    /// the file.</summary>
    /// <exception cref="InvalidDataException">The read failed (a failing disk).</exception>
    void Read(long offset, Span<byte> destination);
}

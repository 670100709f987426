using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Host.Storage;

/// <summary>
/// Raft snapshot files in one directory (the member's <c>snap/</c>, as etcd's <c>member/snap</c>). A file is named
/// <c>{term:x16}-{index:x16}-{sequence:x8}.snap</c>, the sequence number growing per store (starting past the
/// highest found at open) so two snapshots at the same (index, term) never share a name. A writer fills
/// <c>&lt;name&gt;.tmp</c>; <see cref="ISnapshotWriter.Commit"/> fsyncs it, renames it to its name and fsyncs the
/// directory, so after a crash the file is whole under its name or not there. <see cref="Open"/> checks the length
/// and CRC-32C before it hands out a reader. All I/O failures surface as <see cref="IOException"/> naming the path
/// (a reader's as <see cref="InvalidDataException"/>, as the seam asks). Thread-safe.
/// </summary>
public sealed class FileSnapshotStore : ISnapshotStore
{
    /// <summary>The extension of a committed snapshot file.</summary>
    public const string Extension = ".snap";

    /// <summary>The extension a file carries while its writer fills it.</summary>
    public const string TempExtension = ".tmp";

    /// <summary>Bytes read at a time when <see cref="Open"/> checksums a file.</summary>
    public const int VerifyChunkBytes = 1024 * 1024;

    /// <summary>The write buffer of a <see cref="ISnapshotWriter"/>'s file stream.</summary>
    public const int WriteBufferBytes = 64 * 1024;

    private readonly object _gate = new();
    private readonly HashSet<string> _writing = new(StringComparer.Ordinal);
    private uint _nextSequence;

    /// <summary>Opens the store in <paramref name="directory"/>, creating it when missing.</summary>
    /// <exception cref="IOException">The directory cannot be created or listed.</exception>
    public FileSnapshotStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        Io(Directory, "create", () => System.IO.Directory.CreateDirectory(Directory));
        _nextSequence = Io(Directory, "list", () => HighestSequence(System.IO.Directory.EnumerateFiles(Directory))) + 1;
    }

    /// <summary>The directory holding the files.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public ISnapshotWriter Create(ulong index, ulong term)
    {
        string name;
        lock (_gate)
        {
            name = $"{term:x16}-{index:x16}-{_nextSequence++:x8}{Extension}";
            _writing.Add(name);
        }
        try
        {
            return new Writer(this, name);
        }
        catch
        {
            Finished(name);
            throw;
        }
    }

    /// <inheritdoc />
    public ISnapshotReader Open(string name, long length, uint crc)
    {
        var path = PathOf(name);
        var handle = OpenForReading(path);
        try
        {
            Verify(handle, path, length, crc);
            return new Reader(handle, path, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Removes every <c>*.snap</c> but <paramref name="keep"/> and every <c>*.tmp</c> no open writer is
    /// filling. A reader open on a removed file keeps reading it (POSIX unlink; the handle shares delete).</remarks>
    public void Retain(string? keep)
    {
        string[] writing;
        lock (_gate) writing = _writing.Select(n => n + TempExtension).ToArray();
        foreach (var path in Io(Directory, "list", () => System.IO.Directory.GetFiles(Directory)))
        {
            var file = Path.GetFileName(path);
            var stale = file.EndsWith(Extension, StringComparison.Ordinal) ? file != keep
                : file.EndsWith(TempExtension, StringComparison.Ordinal) && !writing.Contains(file, StringComparer.Ordinal);
            if (stale) Io(path, "delete", () => File.Delete(path));
        }
    }

    /// <summary>The highest sequence number among files named by this store (0 when none).</summary>
    private static uint HighestSequence(IEnumerable<string> paths)
    {
        uint highest = 0;
        foreach (var path in paths)
        {
            var file = Path.GetFileName(path);
            if (file.EndsWith(TempExtension, StringComparison.Ordinal)) file = file[..^TempExtension.Length];
            if (!file.EndsWith(Extension, StringComparison.Ordinal)) continue;
            var parts = file[..^Extension.Length].Split('-');
            if (parts.Length == 3 && uint.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence))
                highest = Math.Max(highest, sequence);
        }
        return highest;
    }

    /// <summary>The path of committed file <paramref name="name"/>; a name that is not a plain file name of this
    /// store is damage in the record that carried it.</summary>
    private string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.EndsWith(Extension, StringComparison.Ordinal) || Path.GetFileName(name) != name)
            throw new InvalidDataException($"'{name}' is not a snapshot file name of {Directory}");
        return Path.Combine(Directory, name);
    }

    private static SafeFileHandle OpenForReading(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"snapshot file {path} is missing", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"snapshot file {path}: open failed: {e.Message}", e);
        }
    }

    /// <summary>Checks the file's length, then its CRC-32C in <see cref="VerifyChunkBytes"/> pieces.</summary>
    private static void Verify(SafeFileHandle handle, string path, long length, uint crc)
    {
        var actualLength = Io(path, "stat", () => RandomAccess.GetLength(handle));
        if (actualLength != length)
            throw new InvalidDataException($"snapshot file {path} holds {actualLength} bytes, not {length}");
        var buffer = ArrayPool<byte>.Shared.Rent(VerifyChunkBytes);
        try
        {
            uint actual = 0;
            for (long offset = 0; offset < length;)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(VerifyChunkBytes, length - offset));
                ReadExactly(handle, path, offset, chunk);
                actual = Crc32C.Append(actual, chunk);
                offset += chunk.Length;
            }
            if (actual != crc)
                throw new InvalidDataException($"snapshot file {path} has CRC-32C {actual:x8}, not {crc:x8}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/> with positional reads.</summary>
    /// <exception cref="InvalidDataException">The file ends early or the read fails.</exception>
    private static void ReadExactly(SafeFileHandle handle, string path, long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int read;
            try
            {
                read = RandomAccess.Read(handle, destination, offset);
            }
            catch (IOException e)
            {
                throw new InvalidDataException($"snapshot file {path}: read at offset {offset} failed: {e.Message}", e);
            }
            if (read == 0) throw new InvalidDataException($"snapshot file {path} ends before offset {offset}");
            destination = destination[read..];
            offset += read;
        }
    }

    private void Finished(string name)
    {
        lock (_gate) _writing.Remove(name);
    }

    /// <summary>Runs <paramref name="action"/>, turning any I/O failure into an <see cref="IOException"/> naming
    /// <paramref name="path"/>.</summary>
    private static T Io<T>(string path, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"snapshot store: {what} {path} failed: {e.Message}", e);
        }
    }

    private static void Io(string path, string what, Action action) => Io(path, what, () =>
    {
        action();
        return 0;
    });

    /// <summary>Fills <c>&lt;name&gt;.tmp</c>; commit is fsync, rename, directory fsync.</summary>
    private sealed class Writer : ISnapshotWriter
    {
        private readonly FileSnapshotStore _store;
        private readonly string _name;
        private readonly string _tempPath;
        private FileStream? _stream;

        public Writer(FileSnapshotStore store, string name)
        {
            _store = store;
            _name = name;
            _tempPath = Path.Combine(store.Directory, name + TempExtension);
            _stream = Io(_tempPath, "create", () =>
                new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes));
        }

        public long Length { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            var stream = Stream();
            try
            {
                stream.Write(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"snapshot store: write {_tempPath} failed: {e.Message}", e);
            }
            Length += bytes.Length;
        }

        public string Commit()
        {
            var stream = Stream();
            var path = Path.Combine(_store.Directory, _name);
            Io(_tempPath, "fsync", () => stream.Flush(flushToDisk: true));
            _stream = null;
            Io(_tempPath, "close", stream.Dispose);
            Io(path, "rename to", () => File.Move(_tempPath, path, overwrite: false));
            _store.Finished(_name);
            DirectorySync.Fsync(_store.Directory);
            return _name;
        }

        /// <summary>Abandons an uncommitted file: closes and deletes it (a failed delete is left to Retain).</summary>
        public void Dispose()
        {
            if (_stream is { } stream)
            {
                _stream = null;
                try
                {
                    stream.Dispose();
                }
                catch (IOException)
                {
                    // Flushing abandoned bytes failed; they are being thrown away.
                }
            }
            try
            {
                File.Delete(_tempPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Retain removes the leftover.
            }
            _store.Finished(_name);
        }

        private FileStream Stream() =>
            _stream ?? throw new InvalidOperationException($"snapshot writer {_tempPath} is committed, failed or disposed");
    }

    /// <summary>A verified file, read by offset with positional reads (thread-safe).</summary>
    private sealed class Reader(SafeFileHandle handle, string path, long length) : ISnapshotReader
    {
        public long Length => length;

        public void Read(long offset, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, length, nameof(destination));
            ReadExactly(handle, path, offset, destination);
        }

        public void Dispose() => handle.Dispose();
    }
}

/// <summary>
/// fsync of a directory, so a rename in it is durable. .NET cannot open a directory as a file, so on Linux this calls
/// libc's <c>open(O_RDONLY)</c>, <c>fsync</c> and <c>close</c>. Elsewhere it does nothing: a crash right after a
/// commit may then come back without the renamed file, which the log's record, written next, would name (a gap on
/// non-Linux hosts, documented in docs/storage.md).
/// </summary>
internal static class DirectorySync
{
    /// <summary>Makes the entries of <paramref name="directory"/> durable (Linux; a no-op elsewhere).</summary>
    /// <exception cref="IOException">open or fsync failed.</exception>
    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        var fd = Native.Open(path, Native.ReadOnly | Native.CloseOnExec);
        if (fd < 0) throw Failure("open", directory);
        try
        {
            if (Native.Fsync(fd) != 0) throw Failure("fsync", directory);
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static IOException Failure(string call, string directory) =>
        new($"snapshot store: {call} of directory {directory} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    private static class Native
    {
        /// <summary>O_RDONLY (no O_DIRECTORY: its value differs between Linux architectures).</summary>
        public const int ReadOnly = 0;

        /// <summary>O_CLOEXEC, the same on every Linux architecture .NET runs on.</summary>
        public const int CloseOnExec = 0x80000;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}

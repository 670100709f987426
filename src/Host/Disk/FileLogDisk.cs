using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Host.Disk;

/// <summary>
/// The Raft log disk of the host: an append-only file of <c>[u32 length][u32 CRC-32C][LogRecord]</c>.
/// Group commit: a writer thread takes every write submitted while the previous fsync ran, appends them,
/// fsyncs once and reports each write id, in order, through the completion callback. A torn tail (a crash
/// mid-append) is cut at the last whole record; a bad checksum before the tail refuses to start. After a
/// compaction the file is rewritten (temp file, fsync, rename) so it holds one snapshot and the suffix.
/// This is the fallback until the SQLite log disk (Cairn.Host.Storage) is merged.
/// </summary>
internal sealed class FileLogDisk : ILogDisk, IDisposable
{
    /// <summary>Most writes queued for the writer thread; Submit blocks beyond it (back-pressure).</summary>
    public const int QueuedWritesMax = 4096;

    /// <summary>Largest record accepted on load.</summary>
    public const int RecordBytesMax = 1 << 30;

    private readonly string _path;
    private readonly Action<long> _durable;
    private readonly Action<long, string> _failed;
    private readonly System.Threading.Channels.Channel<DiskWrite> _queue =
        System.Threading.Channels.Channel.CreateBounded<DiskWrite>(new System.Threading.Channels.BoundedChannelOptions(QueuedWritesMax) { SingleReader = true });
    private readonly Thread _writer;
    private FileStream? _file;
    private readonly Image _image = new();
    private long _bytesSinceRewrite;

    public FileLogDisk(string path, Action<long> durable, Action<long, string> failed)
    {
        _path = path;
        _durable = durable;
        _failed = failed;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "cairn-log-disk" };
    }

    /// <summary>Observed fsync durations, for etcd_disk_wal_fsync_duration_seconds.</summary>
    public Action<double>? FsyncObserved { get; set; }

    public bool OutOfSpace => false;

    /// <summary>Bytes of the log file.</summary>
    public long SizeBytes => _file?.Length ?? 0;

    public DurableState Load()
    {
        byte[] bytes = File.Exists(_path) ? File.ReadAllBytes(_path) : [];
        int offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (length > RecordBytesMax || offset + 8 + length > bytes.Length)
            {
                break; // torn tail
            }
            ReadOnlySpan<byte> payload = bytes.AsSpan(offset + 8, length);
            if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)))
            {
                if (offset + 8 + length == bytes.Length)
                {
                    break; // torn final record
                }
                throw new InvalidDataException($"log file {_path} corrupt: record at byte {offset} fails its checksum; refusing to start");
            }
            _image.Apply(LogRecord.Parser.ParseFrom(payload));
            offset += 8 + length;
        }
        _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _file.SetLength(offset);
        _file.Position = offset;
        _file.Flush(flushToDisk: true);
        _writer.Start();
        return new DurableState(_image.HardState, [.. _image.Entries], _image.Snapshot);
    }

    public void Submit(DiskWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            _queue.Writer.WriteAsync(write).AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsAlive)
        {
            _writer.Join(TimeSpan.FromSeconds(10));
        }
        _file?.Dispose();
    }

    private void WriteLoop()
    {
        var batch = new List<DiskWrite>();
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (reader.TryRead(out DiskWrite? write))
            {
                batch.Add(write);
            }
            try
            {
                bool compacted = false;
                foreach (DiskWrite write in batch)
                {
                    var record = new LogRecord { HardState = write.HardState, Snapshot = write.Snapshot };
                    record.Entries.AddRange(write.Entries);
                    Append(record);
                    _image.Apply(record);
                    compacted |= write.Snapshot is not null;
                }
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                _file!.Flush(flushToDisk: true);
                FsyncObserved?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
                if (compacted && _bytesSinceRewrite > 0)
                {
                    Rewrite();
                }
                foreach (DiskWrite write in batch)
                {
                    _durable(write.Id);
                }
            }
            catch (IOException e)
            {
                foreach (DiskWrite write in batch)
                {
                    _failed(write.Id, e.Message);
                }
                return;
            }
        }
    }

    private void Append(LogRecord record)
    {
        byte[] payload = record.ToByteArray();
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32C.Compute(payload));
        _file!.Write(header);
        _file.Write(payload);
        _bytesSinceRewrite += 8 + payload.Length;
    }

    /// <summary>Replaces the file by one record holding the current snapshot, hard state and suffix.</summary>
    private void Rewrite()
    {
        var record = new LogRecord { HardState = _image.HardState, Snapshot = _image.Snapshot };
        if (record.Snapshot is not null)
        {
            record.Snapshot = new SnapshotRecord(record.Snapshot) { ReplaceLog = true };
        }
        record.Entries.AddRange(_image.Entries);
        string tmp = _path + ".rewrite";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            byte[] payload = record.ToByteArray();
            byte[] header = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Crc32C.Compute(payload));
            file.Write(header);
            file.Write(payload);
            file.Flush(flushToDisk: true);
        }
        _file!.Dispose();
        File.Move(tmp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _file.Position = _file.Length;
        _bytesSinceRewrite = 0;
    }

    /// <summary>The durable state rebuilt from records (the same rules as the simulator's disk).</summary>
    private sealed class Image
    {
        public HardState? HardState;
        public SnapshotRecord? Snapshot;
        public readonly List<Entry> Entries = [];

        private ulong Base => Snapshot?.Index ?? 0;

        public void Apply(LogRecord record)
        {
            if (record.Snapshot is not null)
            {
                ApplySnapshot(record.Snapshot);
            }
            if (record.HardState is not null)
            {
                HardState = record.HardState;
            }
            if (record.Entries.Count == 0)
            {
                return;
            }
            ulong first = record.Entries[0].Index;
            if (first <= Base || first > Base + (ulong)Entries.Count + 1)
            {
                throw new InvalidDataException($"log record starts at {first} after a log ({Base}, {Base + (ulong)Entries.Count}]");
            }
            int from = (int)(first - Base - 1);
            Entries.RemoveRange(from, Entries.Count - from);
            Entries.AddRange(record.Entries);
        }

        private void ApplySnapshot(SnapshotRecord snapshot)
        {
            if (!snapshot.ReplaceLog && snapshot.Index <= Base)
            {
                return;
            }
            long at = snapshot.Index > Base ? (long)(snapshot.Index - Base - 1) : -1;
            if (!snapshot.ReplaceLog && at >= 0 && at < Entries.Count && Entries[(int)at].Term == snapshot.Term)
            {
                Entries.RemoveRange(0, (int)at + 1);
            }
            else
            {
                Entries.Clear();
            }
            Snapshot = snapshot;
        }
    }
}

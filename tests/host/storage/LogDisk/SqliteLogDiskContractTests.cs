using Cairn.Core.Runtime;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage.Tests.LogDisk;

/// <summary>The storage contract against <see cref="SqliteLogDisk"/> on a temporary file.</summary>
public sealed class SqliteLogDiskContractTests : LogDiskContract
{
    private readonly TempDirectory _dir = new();
    private readonly DurabilityLog _log = new();
    private SqliteLogDisk _disk;

    public SqliteLogDiskContractTests() => _disk = Open();

    private string Path => _dir.File("log.db");

    private SqliteLogDisk Open() => new(Path, _log.Durable, _log.Failed);

    protected override ILogDisk Disk => _disk;

    protected override IReadOnlyList<long> DurableIds => _log.Ids;

    protected override void AwaitDurable(long id) => _log.AwaitThrough(id);

    protected override void Restart()
    {
        _disk.Dispose();
        _disk = Open();
    }

    protected override void WriteCorrupted(DiskWrite write)
    {
        _disk.Submit(write);
        AwaitDurable(write.Id);
        _disk.Dispose();
        using (var connection = new SqliteConnection($"Data Source={Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Flip one bit inside the stored entry's bytes, as a rotten sector would.
            command.CommandText = "SELECT record FROM entries WHERE idx = $i";
            command.Parameters.AddWithValue("$i", (long)write.Entries[0].Index);
            var bytes = (byte[])command.ExecuteScalar()!;
            bytes[bytes.Length - 1] ^= 0x01;
            command.CommandText = "UPDATE entries SET record = $r WHERE idx = $i";
            command.Parameters.AddWithValue("$r", bytes);
            command.ExecuteNonQuery();
        }
        _disk = Open();
    }

    public override void Dispose()
    {
        _disk.Dispose();
        _dir.Dispose();
    }
}

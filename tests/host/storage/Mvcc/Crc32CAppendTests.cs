using Cairn.Core.Wire;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>Snapshot files are checksummed piece by piece: <c>Crc32C.Append</c> must continue <c>Compute</c> exactly.</summary>
public sealed class Crc32CAppendTests
{
    [Fact]
    public void Appending_the_pieces_equals_computing_the_whole_at_every_split()
    {
        var data = new byte[67];
        new Random(5).NextBytes(data);
        for (var split = 0; split <= data.Length; split++)
            Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        Assert.Equal(0xE3069283u, Crc32C.Append(0, "123456789"u8)); // the CRC-32C check value
    }
}

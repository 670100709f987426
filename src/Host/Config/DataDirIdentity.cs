using System.Buffers.Binary;
using Cairn.Core.Wire;
using Cairn.Host.Disk.Wire;
using Google.Protobuf;

namespace Cairn.Host.Config;

/// <summary>
/// The data dir's identity file (<c>member/identity</c>): the cluster id and member id it was created
/// for, with a CRC-32C. A data dir of another cluster or member is refused before anything is read.
/// </summary>
internal static class DataDirIdentityFile
{
    public const string FileName = "identity";

    /// <summary>Creates the identity in a fresh dir, or checks the existing one; throws <see cref="FlagException"/> on mismatch.</summary>
    public static void EnsureMatches(string memberDir, ulong clusterId, ulong memberId, string name)
    {
        Directory.CreateDirectory(memberDir);
        string path = Path.Combine(memberDir, FileName);
        if (!File.Exists(path))
        {
            var fresh = new DataDirIdentity { ClusterId = clusterId, MemberId = memberId, Name = name };
            byte[] payload = fresh.ToByteArray();
            byte[] bytes = new byte[4 + payload.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, Crc32C.Compute(payload));
            payload.CopyTo(bytes, 4);
            string tmp = path + ".tmp";
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, path);
            return;
        }
        byte[] stored = File.ReadAllBytes(path);
        if (stored.Length < 4 || Crc32C.Compute(stored.AsSpan(4)) != BinaryPrimitives.ReadUInt32LittleEndian(stored))
        {
            throw new FlagException($"data dir identity {path} is corrupt (checksum mismatch); refusing to start");
        }
        var identity = DataDirIdentity.Parser.ParseFrom(stored.AsSpan(4));
        if (identity.ClusterId != clusterId)
        {
            throw new FlagException($"data dir {memberDir} belongs to cluster {identity.ClusterId:x16}, not {clusterId:x16} (check --initial-cluster and --initial-cluster-token)");
        }
        if (identity.MemberId != memberId)
        {
            throw new FlagException($"data dir {memberDir} belongs to member {identity.MemberId:x16} ({identity.Name}), not {memberId:x16} ({name})");
        }
    }
}

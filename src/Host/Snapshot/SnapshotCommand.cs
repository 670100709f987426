using Cairn.Host.Config;

namespace Cairn.Host.Snapshot;

/// <summary><c>cairn snapshot restore FILE [flags]</c>: etcdutl's restore, for a cairn member.</summary>
internal static class SnapshotCommand
{
    /// <summary>Runs the subcommand with the arguments after <c>snapshot</c>; 0 on success, 1 on a bad
    /// command line or a corrupt snapshot (one <c>cairn:</c> line on stderr).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Count == 0 ? 1 : 0;
        }
        if (args[0] != "restore")
        {
            Console.Error.WriteLine($"cairn: unknown snapshot command \"{args[0]}\" (only restore)");
            return 1;
        }
        try
        {
            RestoreFlags flags = RestoreFlags.Parse(args.Skip(1).ToList());
            MemberRestore.Result result = MemberRestore.Run(flags);
            Console.WriteLine($"restored snapshot {flags.File} into {flags.Member.Flags.EffectiveDataDir} for member {flags.Member.Flags.Name} ({flags.Member.MemberId:x16}) of cluster {flags.Member.ClusterId:x16}: " +
                $"{result.Revisions} revisions, revision {result.CurrentRevision}, compacted at {result.CompactRevision}, {result.Leases} leases, Raft log from index {result.AppliedIndex}");
            return 0;
        }
        catch (Exception e) when (e is FlagException or InvalidDataException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            Console.Error.WriteLine("cairn: snapshot restore: " + e.Message);
            return 1;
        }
    }

    private const string Usage = """
        Usage: cairn snapshot restore FILE [flags]   (etcdutl's flags)
          --name                           member name (default "default")
          --data-dir                       the new data directory; must not exist (default "${name}.cairn")
          --initial-cluster                the new cluster's members, name=http://host:port,...
          --initial-cluster-token          the new cluster's token (default "etcd-cluster")
          --initial-advertise-peer-urls    this member's peer URLs
          --skip-hash-check                accept a database without the SHA-256 trailer (copied from a data dir)
        """;
}

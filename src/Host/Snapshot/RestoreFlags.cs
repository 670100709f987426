using Cairn.Host.Config;

namespace Cairn.Host.Snapshot;

/// <summary>
/// <c>cairn snapshot restore FILE</c>'s command line, with etcdutl's flag names: the member flags
/// (--name, --data-dir, --initial-cluster, --initial-cluster-token, --initial-advertise-peer-urls) are the
/// server's, so the restored member's ids are exactly those <c>cairn</c> derives when started with them.
/// </summary>
/// <param name="File">The snapshot file.</param>
/// <param name="Member">The member's settings, as the server derives them from the same flags.</param>
/// <param name="SkipHashCheck">Accept a file without the SHA-256 trailer (one copied from a data dir).</param>
internal sealed record RestoreFlags(string File, ServerSettings Member, bool SkipHashCheck)
{
    private static readonly string[] MemberFlags = ["name", "data-dir", "initial-cluster", "initial-cluster-token", "initial-advertise-peer-urls"];

    /// <summary>Parses the arguments after <c>snapshot restore</c>; throws <see cref="FlagException"/>.</summary>
    public static RestoreFlags Parse(IReadOnlyList<string> args)
    {
        string? file = null;
        bool skipHashCheck = false;
        var member = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
            {
                file = file is null ? arg : throw new FlagException($"unexpected argument '{arg}' (one snapshot file)");
                continue;
            }
            string name = arg.TrimStart('-');
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            if (name == "skip-hash-check")
            {
                if (value is not (null or "true" or "false")) throw new FlagException($"invalid value \"{value}\" for flag --skip-hash-check: true or false");
                skipHashCheck = value != "false";
                continue;
            }
            if (!MemberFlags.Contains(name)) throw new FlagException($"unknown flag --{name} (snapshot restore takes --{string.Join(", --", MemberFlags)}, --skip-hash-check)");
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new FlagException($"flag --{name} needs a value");
                value = args[++i];
            }
            member.Add($"--{name}={value}");
        }
        if (file is null) throw new FlagException("snapshot restore needs the snapshot file: cairn snapshot restore FILE [flags]");
        return new RestoreFlags(file, ServerSettings.From(ServerFlags.Parse(member)), skipHashCheck);
    }
}

namespace Cairn.Host.Config;

/// <summary>Everything the server derives from its flags: ids, this member, paths, timeouts.</summary>
internal sealed record ServerSettings(ServerFlags Flags, ClusterLayout Layout, MemberInfo Self, ulong ClusterId)
{
    /// <summary>The server's version as reported to clients (the etcd API level it implements).</summary>
    public const string Version = "3.5.0";

    public ulong MemberId => Self.Id;

    public string MemberDir => Path.Combine(Flags.EffectiveDataDir, "member");

    /// <summary>etcd's request timeout: 5 s plus two election timeouts.</summary>
    public TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(5000 + 2 * Flags.ElectionTimeoutMs);

    public static ServerSettings From(ServerFlags flags)
    {
        ClusterLayout layout = ClusterLayout.Parse(flags.EffectiveInitialCluster, flags.InitialClusterToken);
        MemberInfo self = layout.Find(flags.Name)
            ?? throw new FlagException($"couldn't find local name \"{flags.Name}\" in the initial cluster configuration");
        return new ServerSettings(flags, layout, self, layout.ClusterId(flags.InitialClusterToken));
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Host.Config;

/// <summary>One member of the initial cluster.</summary>
internal sealed record MemberInfo(ulong Id, string Name, IReadOnlyList<Uri> PeerUrls);

/// <summary>The members named by --initial-cluster ("name=http://host:port,..."), with ids derived
/// deterministically from the name and --initial-cluster-token (etcd derives them from peer URLs and the token),
/// and the cluster id derived from the sorted member ids and the token.</summary>
internal sealed record ClusterLayout(IReadOnlyList<MemberInfo> Members)
{
    /// <summary>Most members in an initial cluster.</summary>
    public const int MembersMax = 7;

    public static ClusterLayout Parse(string initialCluster, string token = "etcd-cluster")
    {
        var byName = new SortedDictionary<string, List<Uri>>(StringComparer.Ordinal);
        foreach (string part in initialCluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !Uri.TryCreate(part[(eq + 1)..], UriKind.Absolute, out Uri? url) || url.Scheme != "http")
            {
                throw new FlagException($"invalid value \"{part}\" in --initial-cluster: expected name=http://host:port");
            }
            string name = part[..eq];
            if (!byName.TryGetValue(name, out List<Uri>? urls))
            {
                byName[name] = urls = [];
            }
            urls.Add(url);
        }
        if (byName.Count == 0 || byName.Count > MembersMax)
        {
            throw new FlagException($"--initial-cluster must name between 1 and {MembersMax} members (MembersMax)");
        }
        var members = byName.Select(kv => new MemberInfo(MemberId(kv.Key, token), kv.Key, kv.Value)).OrderBy(m => m.Id).ToList();
        if (members.Select(m => m.Id).Distinct().Count() != members.Count)
        {
            throw new FlagException("--initial-cluster: two member names derive the same id");
        }
        return new ClusterLayout(members);
    }

    /// <summary>The cluster id: a hash of the sorted member ids and the token (as etcd's genID).</summary>
    public ulong ClusterId(string token)
    {
        var text = new StringBuilder();
        foreach (MemberInfo m in Members)
        {
            text.Append(m.Id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        }
        text.Append(token);
        return Hash(text.ToString());
    }

    public MemberInfo? Find(string name) => Members.FirstOrDefault(m => m.Name == name);

    public static ulong MemberId(string name, string token) => Hash(name + "\0" + token);

    private static ulong Hash(string text)
    {
        ulong id = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return id == 0 ? 1 : id;
    }
}

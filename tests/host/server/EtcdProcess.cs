using System.Diagnostics;
using System.Net;
using System.Text;

namespace Cairn.Host.Tests;

/// <summary>One real etcd (Debian's /usr/bin/etcd) on loopback ports, for interoperability tests. Dispose kills it by PID, always.</summary>
public sealed class EtcdProcess : IDisposable
{
    /// <summary>Where Debian installs etcd; the interop tests do nothing without it.</summary>
    public const string Binary = "/usr/bin/etcd";

    private readonly StringBuilder _output = new();
    private Process? _process;

    public EtcdProcess(string name, string dataDir, string token = "etcd-test-token")
    {
        Name = name;
        DataDir = dataDir;
        ClientPort = CairnProcess.FreePort();
        PeerPort = CairnProcess.FreePort();
        Token = token;
    }

    public static bool Available => File.Exists(Binary);

    public string Name { get; }
    public string DataDir { get; }
    public int ClientPort { get; }
    public int PeerPort { get; }
    public string Token { get; }
    public string Endpoint => $"127.0.0.1:{ClientPort}";
    public string PeerUrl => $"http://127.0.0.1:{PeerPort}";
    public string InitialCluster => $"{Name}={PeerUrl}";
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>The member flags etcd and etcdctl snapshot restore share.</summary>
    public string[] MemberFlags() =>
        ["--name", Name, "--data-dir", DataDir, "--initial-cluster", InitialCluster, "--initial-cluster-token", Token, "--initial-advertise-peer-urls", PeerUrl];

    public void Start()
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string url = $"http://127.0.0.1:{ClientPort}";
        foreach (string arg in MemberFlags().Concat(["--listen-client-urls", url, "--advertise-client-urls", url, "--listen-peer-urls", PeerUrl]))
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start etcd");
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Polls /health until it answers 200; bounded by <see cref="HealthPoll.PollsMax"/>.</summary>
    public Task WaitHealthy() =>
        HealthPoll.Wait($"http://127.0.0.1:{ClientPort}", () => _process is not { HasExited: false } ? $"etcd {Name} exited:\n{Output}" : null, $"etcd {Name}", () => Output);

    public void Dispose()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
    }
}

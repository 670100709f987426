using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cairn.Host.Tests;

/// <summary>One real <c>cairn</c> server process on loopback ports. Dispose kills it by PID (kill -9), always.</summary>
public sealed class CairnProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public CairnProcess(string name, string dataDir, int clientPort, int peerPort, string initialCluster, string token = "test-token")
    {
        Name = name;
        DataDir = dataDir;
        ClientPort = clientPort;
        PeerPort = peerPort;
        InitialCluster = initialCluster;
        Token = token;
    }

    public string Name { get; }
    public string DataDir { get; }
    public int ClientPort { get; }
    public int PeerPort { get; }
    public string InitialCluster { get; }
    public string Token { get; }
    public string Endpoint => $"127.0.0.1:{ClientPort}";
    public string Url => $"http://127.0.0.1:{ClientPort}";
    public string Output { get { lock (_output) { return _output.ToString(); } } }
    public bool Running => _process is { HasExited: false };
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Path of the built server (src/Host/bin/&lt;Configuration&gt;/net10.0/cairn.dll).</summary>
    public static string ServerDll
    {
        get
        {
            string dir = AppContext.BaseDirectory;
            string configuration = dir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            DirectoryInfo? root = new(dir);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sim.sln")))
            {
                root = root.Parent;
            }
            if (root is null)
            {
                throw new InvalidOperationException("cannot find Sim.sln above " + dir);
            }
            return Path.Combine(root.FullName, "src", "Host", "bin", configuration, "net10.0", "cairn.dll");
        }
    }

    public string[] Flags(params string[] extra) =>
    [
        "--name", Name, "--data-dir", DataDir,
        "--listen-client-urls", Url, "--advertise-client-urls", Url,
        "--listen-peer-urls", $"http://127.0.0.1:{PeerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{PeerPort}",
        "--initial-cluster", InitialCluster, "--initial-cluster-token", Token, .. extra,
    ];

    public void Start(params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll);
        foreach (string arg in Flags(extra))
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start cairn");
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Polls /health until it answers 200 (the member has a leader); bounded by <see cref="HealthPoll.PollsMax"/>.</summary>
    public Task WaitHealthy() =>
        HealthPoll.Wait(Url, () => !Running ? $"cairn {Name} exited with {ExitCode}:\n{Output}" : null, $"cairn {Name}", () => Output);

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, then wait for a clean exit (bounded).</summary>
    public bool Terminate()
    {
        if (_process is not { HasExited: false } p)
        {
            return true;
        }
        using (Process kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            kill.WaitForExit(5_000);
        }
        return p.WaitForExit(20_000);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>A free loopback port (bound then released).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A cluster of real processes in a temporary directory, removed with the processes.</summary>
public sealed class CairnCluster : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cairn-host-tests-" + Guid.NewGuid().ToString("N"));

    public CairnCluster(int size, string token = "test-token")
    {
        Directory.CreateDirectory(_root);
        var ports = Enumerable.Range(0, size).Select(_ => (Client: CairnProcess.FreePort(), Peer: CairnProcess.FreePort())).ToList();
        string initial = string.Join(",", ports.Select((p, i) => $"m{i + 1}=http://127.0.0.1:{p.Peer}"));
        Members = ports.Select((p, i) => new CairnProcess($"m{i + 1}", Path.Combine(_root, $"m{i + 1}"), p.Client, p.Peer, initial, token)).ToList();
    }

    public IReadOnlyList<CairnProcess> Members { get; }

    public string Endpoints => string.Join(",", Members.Select(m => m.Endpoint));

    public string Root => _root;

    public async Task Start()
    {
        foreach (CairnProcess member in Members)
        {
            member.Start();
        }
        foreach (CairnProcess member in Members)
        {
            await member.WaitHealthy();
        }
    }

    public void Dispose()
    {
        foreach (CairnProcess member in Members)
        {
            member.Dispose();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

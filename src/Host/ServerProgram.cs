using System.Net;
using Cairn.Host.Api;
using Cairn.Host.Config;
using Cairn.Host.Node;
using Cairn.Host.Ops;
using Cairn.Host.Peers;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;

namespace Cairn.Host;

/// <summary>The <c>cairn</c> server: parses etcd's flags, checks the data dir, starts the member and
/// serves etcd's v3 gRPC API, the JSON gateway, /health and /metrics on the client URLs.</summary>
internal static class ServerProgram
{
    /// <summary>gRPC framing allowance over --max-request-bytes (etcd's grpcOverheadBytes).</summary>
    public const int GrpcOverheadBytes = 512 * 1024;

    /// <summary>Pool threads started at once before the pool's hill climbing (one thread per 500 ms) kicks in.</summary>
    public const int ThreadPoolFloor = 32;

    /// <summary>The default floor is one pool thread per core (2 here): a burst of gRPC calls, peer reads and
    /// lane writes that briefly blocks them queues every other continuation behind thread injection, a
    /// 50-500 ms stall on the replies. A higher floor lets the pool grow at once.</summary>
    private static void RaiseThreadPoolFloor()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, ThreadPoolFloor), Math.Max(io, ThreadPoolFloor));
    }

    public static async Task<int> Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Contains("--version"))
        {
            Console.WriteLine($"cairn (etcd API {ServerSettings.Version})");
            return 0;
        }
        ServerSettings settings;
        try
        {
            settings = ServerSettings.From(ServerFlags.Parse(args));
            if (settings.Flags.InitialClusterState == "existing" && !Directory.Exists(settings.MemberDir))
            {
                throw new FlagException("--initial-cluster-state=existing needs this member's data dir (adding members is not supported yet)");
            }
            DataDirIdentityFile.EnsureMatches(settings.MemberDir, settings.ClusterId, settings.MemberId, settings.Flags.Name);
        }
        catch (FlagException e)
        {
            await Console.Error.WriteLineAsync("cairn: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        RaiseThreadPoolFloor();
        WebApplication app;
        try
        {
            app = Build(settings);
        }
        catch (Exception e) when (e is InvalidDataException or Core.Runtime.DurableStateLostException)
        {
            await Console.Error.WriteLineAsync("cairn: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        NodeHost node = app.Services.GetRequiredService<NodeHost>();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        int exitCode = 0;
        node.Failed += _ =>
        {
            exitCode = 2;
            lifetime.StopApplication();
        };
        node.Start();
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync("cairn: cannot listen: " + e.Message).ConfigureAwait(false);
            exitCode = 1;
        }
        finally
        {
            node.Dispose();
        }
        return exitCode;
    }

    private static WebApplication Build(ServerSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(settings.Flags.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" or "panic" or "fatal" => LogLevel.Error,
            _ => LogLevel.Information,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error); // the cleartext h2 warning: see PriorKnowledgeHttp2
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = settings.Flags.MaxRequestBytes + GrpcOverheadBytes;
            kestrel.AllowAlternateSchemes = true; // :scheme http on a connection PriorKnowledgeHttp2 marked as negotiated
            foreach (Uri url in settings.Flags.ListenClientUrls)
            {
                kestrel.Listen(new IPEndPoint(PeerTransport.Resolve(url.Host), url.Port), o =>
                {
                    o.Protocols = HttpProtocols.Http1AndHttp2;
                    PriorKnowledgeHttp2.Use(o);
                });
            }
        });
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<HostMetrics>();
        builder.Services.AddSingleton<NodeHost>();
        builder.Services.AddSingleton<NodeCalls>();
        builder.Services.AddSingleton<GrpcMetricsInterceptor>();
        builder.Services.AddHostedService<AutoCompactor>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = settings.Flags.MaxRequestBytes + GrpcOverheadBytes;
            o.MaxSendMessageSize = int.MaxValue;
            o.Interceptors.Add<GrpcMetricsInterceptor>();
        });
        WebApplication app = builder.Build();
        _ = app.Services.GetRequiredService<NodeHost>(); // loads the disk now: corruption refuses to start
        app.MapGrpcService<KvService>();
        app.MapGrpcService<WatchService>();
        app.MapGrpcService<LeaseService>();
        app.MapGrpcService<ClusterService>();
        app.MapGrpcService<MaintenanceService>();
        app.MapGrpcService<AuthService>();
        HealthEndpoints.Map(app);
        JsonGateway.Map(app);
        app.MapMetrics("/metrics");
        return app;
    }

    private const string Usage = """
        Usage: cairn [flags]   (etcd's flag names; defaults serve one member on 127.0.0.1:2379 from ./default.cairn)
               cairn snapshot restore FILE [flags]   (a new member's data dir from an etcd-format snapshot; cairn snapshot --help)
          --name                           member name (default "default")
          --data-dir                       data directory (default "${name}.cairn")
          --listen-client-urls             URLs to serve clients on (default http://127.0.0.1:2379)
          --advertise-client-urls          client URLs announced to the cluster (default http://127.0.0.1:2379)
          --listen-peer-urls               URLs to serve peers on (default http://127.0.0.1:2380)
          --initial-advertise-peer-urls    this member's peer URLs (default http://127.0.0.1:2380)
          --initial-cluster                name=peerURL,... of every member (default "${name}=${initial-advertise-peer-urls}")
          --initial-cluster-state          new | existing (default new)
          --initial-cluster-token          derives the cluster id (default "etcd-cluster")
          --heartbeat-interval             ms per heartbeat (default 100)
          --election-timeout               ms before a follower campaigns (default 1000)
          --quota-backend-bytes            NOSPACE alarm threshold (default 2 GiB)
          --auto-compaction-mode           periodic | revision (default periodic)
          --auto-compaction-retention      e.g. 1h, 30m, or a revision count; 0 = off (default 0)
          --max-request-bytes              largest client request (default 1572864)
          --snapshot-count                 applied entries between snapshots (default 100000)
          --log-level                      debug | info | warn | error (default info)
        """;
}

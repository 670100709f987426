using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Cairn.Host.Config;
using Cairn.Host.Node;
using Microsoft.Extensions.Logging;

namespace Cairn.Host.Peers;

/// <summary>
/// Raft messages between members over TCP, as <c>[len][crc][protobuf]</c> frames (<see cref="FrameCodec"/>).
/// Each peer has two outgoing connections (lanes): Raft messages, and snapshot chunks so heartbeats never
/// wait behind them; each lane has a bounded queue (a full queue drops, which Raft tolerates) and
/// reconnects with exponential backoff. Incoming frames become inputs of the node loop.
/// </summary>
internal sealed partial class PeerTransport : INetwork, IDisposable
{
    /// <summary>Most frames queued for one lane of one peer.</summary>
    public const int QueuedFramesMax = 4096;

    /// <summary>Longest wait between reconnect attempts.</summary>
    public static readonly TimeSpan ReconnectBackoffMax = TimeSpan.FromSeconds(2);

    private readonly ServerSettings _settings;
    private readonly NodeLoop _loop;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<ulong, PeerLane[]> _lanes = [];
    private readonly List<TcpListener> _listeners = [];
    private readonly ConcurrentDictionary<ulong, string> _clientUrls = new();

    public PeerTransport(ServerSettings settings, NodeLoop loop, ILogger log)
    {
        _settings = settings;
        _loop = loop;
        _log = log;
        foreach (MemberInfo peer in settings.Layout.Members.Where(m => m.Id != settings.MemberId))
        {
            _lanes[peer.Id] = [new PeerLane(this, peer, 0), new PeerLane(this, peer, 1)];
        }
        _clientUrls[settings.MemberId] = string.Join(",", settings.Flags.AdvertiseClientUrls.Select(u => u.ToString().TrimEnd('/')));
    }

    /// <summary>Client URLs each member announced in its handshakes (this member's own included).</summary>
    public IReadOnlyDictionary<ulong, string> ClientUrls => _clientUrls;

    /// <summary>Observed round trips of handshakes, for etcd_network_peer_round_trip_time_seconds.</summary>
    public Action<ulong, double>? RoundTripObserved { get; set; }

    public void Start()
    {
        foreach (Uri url in _settings.Flags.ListenPeerUrls)
        {
            var listener = new TcpListener(Resolve(url.Host), url.Port);
            listener.Start();
            _listeners.Add(listener);
            _ = Task.Run(() => AcceptLoop(listener));
        }
        foreach (PeerLane lane in _lanes.Values.SelectMany(l => l))
        {
            lane.Start(_stop.Token);
        }
    }

    /// <inheritdoc />
    public void Send(ulong from, ulong to, byte[] frame)
    {
        if (_lanes.TryGetValue(to, out PeerLane[]? lanes))
        {
            lanes[IsSnapshotChunk(frame) ? 1 : 0].Enqueue(frame);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (TcpListener listener in _listeners)
        {
            listener.Stop();
        }
        foreach (PeerLane lane in _lanes.Values.SelectMany(l => l))
        {
            lane.Close();
        }
    }

    /// <summary>A MSG_SNAPSHOT frame: protobuf writes field 1 (type) first, so the payload starts 0x08 0x07.</summary>
    private static bool IsSnapshotChunk(byte[] frame) =>
        frame.Length > FrameCodec.HeaderBytes + 1 && frame[FrameCodec.HeaderBytes] == 0x08 && frame[FrameCodec.HeaderBytes + 1] == 7;

    internal static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out IPAddress? ip) ? ip
        : host == "localhost" ? IPAddress.Loopback
        : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);

    private async Task AcceptLoop(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            try
            {
                using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshakeTimeout.CancelAfter(TimeSpan.FromSeconds(5));
                PeerHandshake hello = await PeerHandshake.Read(stream, handshakeTimeout.Token).ConfigureAwait(false);
                if (hello.ClusterId != _settings.ClusterId || hello.To != _settings.MemberId || !_lanes.ContainsKey(hello.From))
                {
                    LogRefused(_log, hello.ClusterId.ToString("x16"), hello.From.ToString("x16"), hello.To.ToString("x16"));
                    return;
                }
                _clientUrls[hello.From] = hello.ClientUrls;
                await stream.WriteAsync(new byte[] { 1 }, _stop.Token).ConfigureAwait(false); // accepted
                await ReadFrames(stream).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or SocketException or EndOfStreamException)
            {
                // the peer went away or spoke nonsense; it reconnects
            }
        }
    }

    private async Task ReadFrames(NetworkStream stream)
    {
        byte[] header = new byte[FrameCodec.HeaderBytes];
        while (!_stop.IsCancellationRequested)
        {
            await stream.ReadExactlyAsync(header, _stop.Token).ConfigureAwait(false);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length > FrameCodec.PayloadBytesMax)
            {
                throw new InvalidDataException($"peer frame of {length} bytes exceeds PayloadBytesMax");
            }
            byte[] frame = new byte[FrameCodec.HeaderBytes + length];
            header.CopyTo(frame, 0);
            await stream.ReadExactlyAsync(frame.AsMemory(FrameCodec.HeaderBytes), _stop.Token).ConfigureAwait(false);
            // A full loop queue drops the frame: Raft retransmits.
            _loop.TryPostRaft(() => ReceiveOnLoop(frame));
        }
    }

    /// <summary>Set by the node host: hands a frame to the runtime, on the loop.</summary>
    public Action<byte[]> ReceiveOnLoop { get; set; } = _ => { };

    /// <summary>Set by the node host: the connection to a peer broke or could not be made (peer id, true for the
    /// snapshot lane), so frames queued for it may be lost; called on the lane's task, not on the loop.</summary>
    public Action<ulong, bool> LaneFailed { get; set; } = (_, _) => { };

    /// <summary>A lane's connection failed (see <see cref="LaneFailed"/>).</summary>
    internal void OnLaneFailed(ulong peer, byte lane) => LaneFailed(peer, lane == 1);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused peer connection: cluster {ClusterId}, from {From} to {To} do not match this member")]
    private static partial void LogRefused(ILogger log, string clusterId, string from, string to);
}

internal sealed partial class PeerTransport
{
    /// <summary>The handshake this member sends to <paramref name="to"/> on <paramref name="lane"/>.</summary>
    public byte[] Hello(ulong to, byte lane) =>
        new PeerHandshake(_settings.ClusterId, _settings.MemberId, to, lane, _clientUrls[_settings.MemberId]).Encode();
}

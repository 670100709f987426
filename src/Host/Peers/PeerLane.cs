using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using Cairn.Host.Config;

namespace Cairn.Host.Peers;

/// <summary>One outgoing connection to one peer: a bounded queue of frames, written in order; on any
/// error the connection is dropped and re-established with exponential backoff.</summary>
internal sealed class PeerLane(PeerTransport transport, MemberInfo peer, byte lane)
{
    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(PeerTransport.QueuedFramesMax) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    private TcpClient? _client;

    public void Enqueue(byte[] frame) => _frames.Writer.TryWrite(frame);

    public void Start(CancellationToken stop) => _ = Task.Run(() => Run(stop));

    public void Close()
    {
        _frames.Writer.TryComplete();
        _client?.Dispose();
    }

    private async Task Run(CancellationToken stop)
    {
        TimeSpan backoff = TimeSpan.FromMilliseconds(50);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Connect(stop).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(50);
                await Pump(stop).ConfigureAwait(false);
                return; // queue completed
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or EndOfStreamException or ObjectDisposedException)
            {
                _client?.Dispose();
                _client = null;
                transport.OnLaneFailed(peer.Id, lane); // etcd's ReportUnreachable / ReportSnapshot(Failure)
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Task.Delay(backoff, stop).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, PeerTransport.ReconnectBackoffMax.Ticks));
        }
    }

    private async Task Connect(CancellationToken stop)
    {
        Uri url = peer.PeerUrls[0];
        var client = new TcpClient { NoDelay = true };
        _client = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        long start = Stopwatch.GetTimestamp();
        await client.ConnectAsync(PeerTransport.Resolve(url.Host), url.Port, timeout.Token).ConfigureAwait(false);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(transport.Hello(peer.Id, lane), timeout.Token).ConfigureAwait(false);
        byte[] ack = new byte[1];
        await stream.ReadExactlyAsync(ack, timeout.Token).ConfigureAwait(false);
        if (ack[0] != 1)
        {
            throw new InvalidDataException("peer refused the handshake");
        }
        transport.RoundTripObserved?.Invoke(peer.Id, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Bytes of queued frames coalesced into one socket write: every frame queued while the previous
    /// write ran goes out in one send (one syscall, one segment train) instead of one send per frame.</summary>
    public const int CoalesceBytesMax = 64 * 1024;

    private async Task Pump(CancellationToken stop)
    {
        NetworkStream socket = _client!.GetStream();
        await using var stream = new BufferedStream(socket, CoalesceBytesMax);
        ChannelReader<byte[]> reader = _frames.Reader;
        while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
        {
            while (reader.TryRead(out byte[]? frame))
            {
                await stream.WriteAsync(frame, stop).ConfigureAwait(false);
            }
            await stream.FlushAsync(stop).ConfigureAwait(false);
        }
    }
}

using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Cairn.Host.Ops;

/// <summary>
/// A cleartext HTTP/2 connection's transport as Kestrel sees it: what the client sent, passed through
/// <see cref="Http2HeaderNormaliser"/> by a pump task; what the server sends goes to the client untouched.
/// A refused header block ends the input (Kestrel then closes the connection) and is logged as a warning.
/// </summary>
internal sealed partial class Http2NormalisedTransport : IDuplexPipe
{
    private readonly IDuplexPipe _client;
    private readonly Http2HeaderNormaliser _normaliser;
    private readonly ILogger _logger;
    private readonly Pipe _normalised = new(new PipeOptions(useSynchronizationContext: false));

    private Http2NormalisedTransport(IDuplexPipe client, Http2HeaderNormaliser normaliser, ILogger logger)
    {
        _client = client;
        _normaliser = normaliser;
        _logger = logger;
    }

    /// <summary>The normalised client→server bytes.</summary>
    public PipeReader Input => _normalised.Reader;

    /// <summary>The server→client bytes, straight to the client.</summary>
    public PipeWriter Output => _client.Output;

    /// <summary>Runs the rest of the connection pipeline (<paramref name="next"/>) over a normalised transport, then restores the original.</summary>
    public static async Task Serve(ConnectionContext connection, ConnectionDelegate next, int headerTableSizeLimit, ILogger logger)
    {
        IDuplexPipe client = connection.Transport;
        var transport = new Http2NormalisedTransport(client, new Http2HeaderNormaliser(headerTableSizeLimit), logger);
        Task pump = transport.Pump(connection.ConnectionId);
        connection.Transport = transport;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            client.Input.CancelPendingRead(); // wakes the pump if it is still waiting for the client
            await pump.ConfigureAwait(false);
            connection.Transport = client;
        }
    }

    private async Task Pump(string connectionId)
    {
        PipeReader source = _client.Input;
        PipeWriter target = _normalised.Writer;
        Exception? transportError = null;
        try
        {
            while (true)
            {
                ReadResult read = await source.ReadAsync().ConfigureAwait(false);
                if (read.IsCanceled)
                {
                    break;
                }
                SequencePosition consumed = _normaliser.Transform(read.Buffer, target);
                source.AdvanceTo(consumed, read.Buffer.End);
                FlushResult flush = await target.FlushAsync().ConfigureAwait(false);
                if (read.IsCompleted || flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (HeaderBlockRefusedException refused)
        {
            LogRefused(_logger, connectionId, refused.Message);
        }
        catch (Exception error)
        {
            transportError = error; // a reset or abort of the client's transport: Kestrel sees it as it would without the normaliser
        }
        finally
        {
            await target.CompleteAsync(transportError).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "closed client connection {ConnectionId}: refused its HTTP/2 header block: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason);
}

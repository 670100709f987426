using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Cairn.Host.Ops;

/// <summary>
/// Serves gRPC (HTTP/2 with prior knowledge, as etcd clients speak it without TLS) and HTTP/1.1
/// (/health, /metrics, the JSON gateway) on the same client port, as etcd does. Kestrel picks HTTP/1.1
/// for every cleartext connection of an Http1AndHttp2 endpoint; this connection middleware peeks at the
/// first bytes, and when they are the HTTP/2 preface ("PRI * HTTP/2.0") tells Kestrel that "h2" was
/// negotiated, so Kestrel speaks HTTP/2 on that connection, and runs it over
/// <see cref="Http2NormalisedTransport"/>, which rewrites a URL-shaped <c>:authority</c> (etcdctl's
/// <c>--endpoints=http://host:port</c>) to the host and port Kestrel accepts.
/// </summary>
internal static class PriorKnowledgeHttp2
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0"u8;

    public static void Use(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.Use(next =>
        {
            ILogger logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<Http2HeaderNormaliser>();
            int headerTableSize = listen.KestrelServerOptions.Limits.Http2.HeaderTableSize;
            return async connection =>
            {
                if (!await StartsWithPreface(connection).ConfigureAwait(false))
                {
                    await next(connection).ConfigureAwait(false);
                    return;
                }
                var negotiated = new NegotiatedH2();
                connection.Features.Set<ITlsConnectionFeature>(negotiated);
                connection.Features.Set<ITlsApplicationProtocolFeature>(negotiated);
                await Http2NormalisedTransport.Serve(connection, next, headerTableSize, logger).ConfigureAwait(false);
            };
        });

    private static async Task<bool> StartsWithPreface(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult read = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            long n = Math.Min(buffer.Length, Preface.Length);
            bool matches = buffer.Slice(0, n).ToArray().AsSpan().SequenceEqual(Preface[..(int)n]);
            if (!matches || n == Preface.Length || read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start); // consume nothing, examine nothing: Kestrel reads these bytes again at once
                return matches && n == Preface.Length;
            }
            input.AdvanceTo(buffer.Start, buffer.End); // wait for more bytes
        }
    }

    private sealed class NegotiatedH2 : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}

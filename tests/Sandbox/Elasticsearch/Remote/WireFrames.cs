using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// The sandbox's own transport protocol over the TLS stream: each message is a 4-byte big-endian length and a UTF-8 JSON
/// object. Requests carry "action" (the transport action name Elasticsearch would use) and, on the remote cluster server
/// port, "credentials" (the _cross_cluster_access_credentials header); answers carry "response" or "error", or "alert"
/// for what a TLS alert would say.
/// </summary>
public static class WireFrames
{
    private const int MaxFrame = 16 * 1024 * 1024;

    public static async Task WriteAsync(Stream stream, JsonObject message, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(message.ToJsonString());
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one frame; null when the peer closed. Throws <see cref="HttpOnTransportException"/> for an HTTP answer.</summary>
    public static async Task<JsonObject?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellationToken))
        {
            return null;
        }

        if (header.AsSpan().SequenceEqual("HTTP"u8))
        {
            throw new HttpOnTransportException();
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxFrame)
        {
            throw new InvalidDataException($"invalid internal transport message format, got ({header[0]:x},{header[1]:x},{header[2]:x},{header[3]:x})");
        }

        var payload = new byte[length];
        if (!await ReadExactlyOrEndAsync(stream, payload, cancellationToken))
        {
            return null;
        }

        return JsonNode.Parse(payload)?.AsObject();
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}

/// <summary>The peer answered like an HTTP server: the address points at port 9200 instead of a transport port.</summary>
public sealed class HttpOnTransportException() : IOException(
    "received HTTP response on transport port, ensure that transport port (not HTTP port) of a remote node is specified in the configuration");

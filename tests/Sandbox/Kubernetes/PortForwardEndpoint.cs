using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Kubernetes;

/// <summary>
/// pods/{name}/portforward over WebSocket (channel.k8s.io framing, as kubelet serves it): for the i-th requested port,
/// channel 2i carries data and 2i+1 errors; the first frame on each channel is the port number (2 bytes, little endian).
/// Bytes go to the loopback endpoint the Elasticsearch fleet resolves for the pod's container port.
/// </summary>
public sealed class PortForwardEndpoint(ResourceStore store, Func<string, string, int, IPEndPoint?> resolvePodPort)
{
    private static readonly string[] Protocols = ["v4.channel.k8s.io", "channel.k8s.io"];

    public async Task HandleAsync(HttpContext context, ApiRoute route)
    {
        var pod = store.Get(ResourceCatalog.Pod, route.Namespace, route.Name!);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw StatusErrors.BadRequest("Upgrade request required");
        }

        var ports = context.Request.Query["ports"].SelectMany(p => (p ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw StatusErrors.BadRequest($"unable to parse \"{p}\" as a port: invalid port"))
            .ToList();
        if (ports.Count == 0)
        {
            throw StatusErrors.BadRequest("query parameter \"port\" is required");
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.FirstOrDefault(Protocols.Contains);
        if (requested.Count > 0 && protocol is null)
        {
            // wsstream's handshake refuses the upgrade; kubectl then falls back to a plain SPDY upgrade, which the
            // sandbox does not speak either (kubectl port-forward is not supported, KubernetesClient's v4 is).
            throw StatusErrors.BadRequest(
                $"requested protocol(s) are not supported: [{string.Join(" ", requested)}]; supports [{string.Join(" ", Protocols)}]");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);

        // Two lifetimes: the pod side (connections and the pumps from them) and the client's receive loop. Cancelling a
        // WebSocket receive aborts the socket (a TCP reset, losing frames still in flight), so the receive loop is never
        // cancelled while the connection can still close cleanly.
        using var podSide = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sendLock = new SemaphoreSlim(1, 1);
        var connections = new NetworkStream?[ports.Count];
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var portPrefix = new[] { (byte)(ports[i] & 0xFF), (byte)(ports[i] >> 8) };
                await SendAsync(socket, sendLock, (byte)(2 * i), portPrefix, podSide.Token);
                await SendAsync(socket, sendLock, (byte)((2 * i) + 1), portPrefix, podSide.Token);
                connections[i] = await ConnectAsync(route, ObjectMeta.Uid(pod) ?? route.Name!, ports[i], socket, sendLock, (byte)((2 * i) + 1), podSide.Token);
            }

            // kubelet ends the stream once every forwarded port's connection has ended (or failed), or when the client leaves.
            var pumps = Task.WhenAll(connections.Select((c, i) => c is null ? Task.CompletedTask : PumpToClientAsync(c, socket, sendLock, (byte)(2 * i), podSide.Token)));
            var fromClient = PumpFromClientAsync(socket, connections, context.RequestAborted);
            var first = await Task.WhenAny(pumps, fromClient);
            await podSide.CancelAsync();
            await CloseAsync(socket, sendLock, fromClient, clientClosedFirst: first == fromClient);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // One side went away; the forward ends like kubelet's does.
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    /// <summary>The close handshake: our close frame, then the client's (briefly awaited) when we closed first.</summary>
    private static async Task CloseAsync(WebSocket socket, SemaphoreSlim sendLock, Task fromClient, bool clientClosedFirst)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await sendLock.WaitAsync();
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
            finally
            {
                sendLock.Release();
            }
        }

        if (!clientClosedFirst)
        {
            try
            {
                await fromClient.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // A client that never answers the close: the connection ends anyway when we return.
            }
        }
    }

    private async Task<NetworkStream?> ConnectAsync(ApiRoute route, string podUid, int port, WebSocket socket, SemaphoreSlim sendLock, byte errorChannel, CancellationToken cancel)
    {
        var endpoint = resolvePodPort(route.Namespace ?? "default", route.Name!, port);
        if (endpoint is null || !IPAddress.IsLoopback(endpoint.Address))
        {
            await SendAsync(socket, sendLock, errorChannel, Encoding.UTF8.GetBytes(ConnectionRefused(podUid, port)), cancel);
            return null;
        }

        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(endpoint, cancel);
            return client.GetStream();
        }
        catch (SocketException)
        {
            client.Dispose();
            await SendAsync(socket, sendLock, errorChannel, Encoding.UTF8.GetBytes(ConnectionRefused(podUid, port)), cancel);
            return null;
        }
    }

    /// <summary>
    /// What kubelet writes on the error channel when nothing listens on the port in the pod (containerd: it dials
    /// localhost inside the pod's network namespace, IPv4 then IPv6; kubelet names the pod by its sandbox id and no uid).
    /// </summary>
    public static string ConnectionRefused(string podUid, int port)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(podUid));
        var sandboxId = Convert.ToHexStringLower(hash);
        var netns = new Guid(hash.AsSpan(0, 16)).ToString();
        return $"error forwarding port {port} to pod {sandboxId}, uid : failed to execute portforward in network namespace \"/var/run/netns/cni-{netns}\": "
            + $"failed to connect to localhost:{port} inside namespace \"{sandboxId}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused "
            + $"IPv6 dial tcp6 [::1]:{port}: connect: connection refused ";
    }

    private static async Task PumpToClientAsync(NetworkStream connection, WebSocket socket, SemaphoreSlim sendLock, byte channel, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await connection.ReadAsync(buffer, cancel)) > 0)
        {
            await SendAsync(socket, sendLock, channel, buffer.AsMemory(0, read), cancel);
        }
    }

    private static async Task PumpFromClientAsync(WebSocket socket, NetworkStream?[] connections, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var frame = message.GetBuffer().AsMemory(0, (int)message.Length);
            if (frame.Length < 1)
            {
                continue;
            }

            var channel = frame.Span[0];
            if (channel % 2 == 0 && channel / 2 < connections.Length && connections[channel / 2] is { } connection && frame.Length > 1)
            {
                try
                {
                    await connection.WriteAsync(frame[1..], cancel);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    // The pod side already closed: like a write to a closed TCP connection, the bytes are lost.
                }
            }
        }
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim sendLock, byte channel, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        var frame = new byte[payload.Length + 1];
        frame[0] = channel;
        payload.CopyTo(frame.AsMemory(1));
        await sendLock.WaitAsync(cancel);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, cancel);
        }
        finally
        {
            sendLock.Release();
        }
    }
}

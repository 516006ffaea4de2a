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
        store.Get(ResourceCatalog.Pod, route.Namespace, route.Name!);
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

        var protocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(Protocols.Contains);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sendLock = new SemaphoreSlim(1, 1);
        var connections = new NetworkStream?[ports.Count];
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var portPrefix = new[] { (byte)(ports[i] & 0xFF), (byte)(ports[i] >> 8) };
                await SendAsync(socket, sendLock, (byte)(2 * i), portPrefix, cancel.Token);
                await SendAsync(socket, sendLock, (byte)((2 * i) + 1), portPrefix, cancel.Token);
                connections[i] = await ConnectAsync(route, ports[i], socket, sendLock, (byte)((2 * i) + 1), cancel.Token);
            }

            var pumps = connections.Select((c, i) => c is null ? Task.CompletedTask : PumpToClientAsync(c, socket, sendLock, (byte)(2 * i), cancel.Token)).ToList();
            var fromClient = PumpFromClientAsync(socket, connections, cancel.Token);
            await Task.WhenAny(pumps.Append(fromClient));
            cancel.Cancel();
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
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

    private async Task<NetworkStream?> ConnectAsync(ApiRoute route, int port, WebSocket socket, SemaphoreSlim sendLock, byte errorChannel, CancellationToken cancel)
    {
        var endpoint = resolvePodPort(route.Namespace ?? "default", route.Name!, port);
        if (endpoint is null || !IPAddress.IsLoopback(endpoint.Address))
        {
            await SendAsync(socket, sendLock, errorChannel,
                Encoding.UTF8.GetBytes($"error forwarding port {port} to pod {route.Name}: dial tcp4 127.0.0.1:{port}: connect: connection refused"), cancel);
            return null;
        }

        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(endpoint, cancel);
            return client.GetStream();
        }
        catch (SocketException e)
        {
            client.Dispose();
            await SendAsync(socket, sendLock, errorChannel,
                Encoding.UTF8.GetBytes($"error forwarding port {port} to pod {route.Name}: {e.Message}"), cancel);
            return null;
        }
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
        while (socket.State == WebSocketState.Open)
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
                await connection.WriteAsync(frame[1..], cancel);
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

using System.Net;
using System.Net.Sockets;

namespace Sandbox.Operator;

/// <summary>
/// One listening address of a service (a load balancer IP and port, or 127.0.0.1:nodePort) that forwards each accepted
/// connection, byte for byte, to a backend chosen at connect time. With no backend the connection is closed at once,
/// as kube-proxy rejects connections to a service without endpoints.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Func<IPEndPoint?> pickBackend;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;

    public TcpForwarder(IPEndPoint bindTo, Func<IPEndPoint?> pickBackend)
    {
        this.pickBackend = pickBackend;
        // No SocketOptionName.ReuseAddress: on Linux .NET turns it into SO_REUSEPORT as well, which lets a second
        // process (another sandbox on this machine) listen on the same address, and the kernel then spreads the
        // connections between the two, so a client would reach the other sandbox's pods half the time.
        listener = new TcpListener(bindTo);
        listener.Start();
        Address = (IPEndPoint)listener.LocalEndpoint;
        acceptLoop = AcceptAsync();
    }

    public IPEndPoint Address { get; }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using (client)
        {
            var backend = pickBackend();
            if (backend is null || !IPAddress.IsLoopback(backend.Address))
            {
                client.LingerState = new LingerOption(true, 0);
                return;
            }

            using var upstream = new Socket(backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(backend, stopping.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                client.LingerState = new LingerOption(true, 0);
                return;
            }

            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            var toBackend = PumpAsync(clientStream, upstream, upstreamStream);
            var toClient = PumpAsync(upstreamStream, client, clientStream);
            await Task.WhenAll(toBackend, toClient);
        }
    }

    /// <summary>Copies until end of stream, then half-closes the other side so TLS close_notify and EOF pass through.</summary>
    private async Task PumpAsync(NetworkStream from, Socket toSocket, NetworkStream to)
    {
        try
        {
            await from.CopyToAsync(to, stopping.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            try
            {
                toSocket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

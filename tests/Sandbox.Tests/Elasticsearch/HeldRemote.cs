using System.Net;
using System.Net.Sockets;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// A remote cluster address on loopback that accepts TCP and never answers the TLS handshake: the nodes' connection
/// attempts to it stay pending, holding whatever waits on them, until the test releases them (the attempts then fail).
/// </summary>
internal sealed class HeldRemote : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];

    public HeldRemote()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>Whether a connection attempt arrived that was not accepted yet.</summary>
    public bool AttemptPending => _listener.Pending();

    /// <summary>Accepts the TCP connections of <paramref name="count"/> connection attempts (one per node) and holds them.</summary>
    public async Task HoldAttemptsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _held.Add(await _listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(8)));
        }
    }

    /// <summary>Closes the held connections: their attempts end, failed.</summary>
    public void Release()
    {
        _held.ForEach(c => c.Dispose());
        _held.Clear();
    }

    /// <summary>Releases the attempts and stops listening, so later attempts are refused.</summary>
    public void Dispose()
    {
        Release();
        _listener.Stop();
    }
}

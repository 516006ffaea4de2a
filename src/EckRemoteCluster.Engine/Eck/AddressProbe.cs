using System.Net.Sockets;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// Whether an address handed out by Publish accepts TCP connections yet. A Service's node port or load balancer address
/// is written before kube-proxy or the cloud load balancer forwards it, so an address read from the API can refuse
/// connections for a while; Publish hands an address out only once a connection to it succeeds.
/// </summary>
internal static class AddressProbe
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    /// <summary>True when a TCP connection to host:port opens within a few seconds; the connection is closed at once.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            await client.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

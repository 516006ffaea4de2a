using System.Net;
using System.Net.Sockets;
using EckRemoteCluster.Engine.Eck;
using Xunit;

namespace EckRemoteCluster.Tests.Eck;

public class AddressProbeTests
{
    [Fact]
    public async Task AcceptsOnlyOnceSomethingListens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            Assert.True(await AddressProbe.AcceptsConnectionsAsync("127.0.0.1", port, CancellationToken.None));
        }
        finally
        {
            listener.Stop();
        }

        Assert.False(await AddressProbe.AcceptsConnectionsAsync("127.0.0.1", port, CancellationToken.None));
    }

    [Fact]
    public async Task CancellationIsNotAnAnswer()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AddressProbe.AcceptsConnectionsAsync("127.0.0.1", 9, cancelled.Token));
    }
}

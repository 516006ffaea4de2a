using System.Diagnostics;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Rest;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// _resolve/cluster as TransportResolveClusterAction answers across versions: security failures (connected true before
/// elastic/elasticsearch#119793, false since 8.16.3/8.17.1/8.18/9.0), the 8.18+ timeout parameter and expression-less form.
/// </summary>
[Collection(SharedEsCollection.Name)]
public class ResolveClusterTests(EsFixture fixture)
{
    private static EsException SecurityFailure() => new(500, "connect_transport_exception",
        "Unable to open any proxy connections to cluster [a] at address [127.0.0.1:9443]",
        new EsException(401, "security_exception", "unable to authenticate user [k] for action [cluster:internal/remote_cluster/handshake]"));

    [Theory]
    [InlineData("8.13.4", true)]
    [InlineData("8.16.2", true)]
    [InlineData("8.16.3", false)]
    [InlineData("8.17.0", true)]
    [InlineData("8.17.1", false)]
    [InlineData("8.18.0", false)]
    [InlineData("9.1.0", false)]
    public void SecurityFailureIsReportedWithItsMessageAndTheVersionsConnectedVerdict(string version, bool connected)
    {
        var info = RestApi.ResolveFailure(SecurityFailure(), skipUnavailable: true, EsVersion.Parse(version));
        Assert.Equal(connected, (bool)info["connected"]!);
        Assert.Equal("unable to authenticate user [k] for action [cluster:internal/remote_cluster/handshake]", (string?)info["error"]);
        Assert.True((bool)info["skip_unavailable"]!);
    }

    [Fact]
    public void ConnectionFailureIsJustNotConnected()
    {
        var failure = new EsException(500, "connect_transport_exception", "Unable to open any proxy connections to cluster [a] at address [x]",
            new EsException(500, "connect_exception", "Connection refused"));
        var info = RestApi.ResolveFailure(failure, skipUnavailable: false, EsVersion.Parse("9.1.0"));
        Assert.False((bool)info["connected"]!);
        Assert.False(info.ContainsKey("error"));
    }

    [Fact]
    public async Task TimeoutShorterThanTheConnectTimeoutReportsTheTimeoutError()
    {
        using var client = fixture.LocalClient();
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, client, "unroutable", "10.255.255.1:9443", null, skipUnavailable: true);
        try
        {
            var (_, plain, _) = await client.GetAsync("/_resolve/cluster/unroutable:*");
            Assert.False((bool)plain!["unroutable"]!["connected"]!);
            Assert.Null(plain["unroutable"]!["error"]);

            var clock = Stopwatch.StartNew();
            var (status, timed, _) = await client.GetAsync("/_resolve/cluster/unroutable:*?timeout=1s");
            Assert.Equal(200, status);
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), clock.Elapsed.ToString());
            Assert.False((bool)timed!["unroutable"]!["connected"]!);
            Assert.True((bool)timed["unroutable"]!["skip_unavailable"]!);
            Assert.Equal("Request timed out before receiving a response from the remote cluster", (string?)timed["unroutable"]!["error"]);

            // Without an index expression (8.18+): every registered remote, no matching_indices.
            var (allStatus, all, _) = await client.GetAsync("/_resolve/cluster");
            Assert.Equal(200, allStatus);
            Assert.False((bool)all!["unroutable"]!["connected"]!);
            Assert.False(all["unroutable"]!.AsObject().ContainsKey("matching_indices"));
        }
        finally
        {
            await client.PutAsync("/_cluster/settings",
                """{"persistent":{"cluster.remote.unroutable.mode":null,"cluster.remote.unroutable.proxy_address":null,"cluster.remote.unroutable.skip_unavailable":null}}""");
        }
    }
}

/// <summary>Before 8.18: no timeout parameter, no expression-less form.</summary>
public class ResolveClusterBefore818Tests(Local8134Fixture fixture) : IClassFixture<Local8134Fixture>
{
    [Fact]
    public async Task TimeoutIsAnUnrecognizedParameterAndTheBareEndpointHasNoHandler()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.GetAsync("/_resolve/cluster/x:*?timeout=1s");
        Assert.Equal(400, status);
        Assert.Equal("illegal_argument_exception", (string?)body!["error"]!["type"]);
        Assert.Equal("request [/_resolve/cluster/x:*] contains unrecognized parameter: [timeout]", (string?)body["error"]!["reason"]);

        (status, body, _) = await client.GetAsync("/_resolve/cluster");
        Assert.Equal(400, status);
        Assert.Equal("no handler found for uri [/_resolve/cluster] and method [GET]", (string?)body!["error"]);
    }
}

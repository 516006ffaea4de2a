using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Diagnosis;
using EckRemoteCluster.Engine.RemoteClusters;
using Xunit;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Test-RemoteCluster while a connection is torn down: the remote's nodes restart with a new trust, _remote/info still
/// says connected, and the first check fails with a message that names no cause. It must look again, not say Unknown.
/// </summary>
public sealed class RemoteClusterSettleTests
{
    private const string Alias = "eck-cert";
    private const string Reset = "[][127.0.0.1:31000] handshake failed because connection reset";
    private const string Rejected = "Received fatal alert: certificate_unknown";

    [Fact]
    public async Task ATornDownConnectionIsCheckedAgainUntilACauseShows()
    {
        var client = new RoundClient((true, Reset), (false, Reset), (false, Rejected));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", [], null, CancellationToken.None);

        Assert.False(result.Connected);
        Assert.Equal(nameof(RemoteConnectionCause.LocalCaNotTrustedByRemote), result.Cause);
        Assert.Equal(3, client.Rounds);
    }

    [Fact]
    public async Task ATornDownConnectionThatComesBackIsConnected()
    {
        var client = new RoundClient((true, Reset), (true, null));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", [], null, CancellationToken.None);

        Assert.True(result.Connected);
        Assert.Null(result.Cause);
        Assert.Equal(2, client.Rounds);
    }

    [Fact]
    public async Task AKnownCauseIsReportedAtOnce()
    {
        var client = new RoundClient((false, Rejected), (true, null));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", [], null, CancellationToken.None);

        Assert.Equal(nameof(RemoteConnectionCause.LocalCaNotTrustedByRemote), result.Cause);
        Assert.Equal(1, client.Rounds);
    }

    [Fact]
    public async Task AnUnknownCauseThatStaysIsReportedOnceTheSettleTimeIsUp()
    {
        var client = new RoundClient((false, Reset));
        var service = new RemoteClusterService { SettleTimeout = TimeSpan.FromMilliseconds(600) };
        var result = await service.TestAsync(client, Alias, "9.1.0", [], null, CancellationToken.None);

        Assert.Equal(nameof(RemoteConnectionCause.Unknown), result.Cause);
        Assert.Contains("connection reset", result.Evidence);
        Assert.InRange(client.Rounds, 2, 5);
    }

    /// <summary>
    /// Answers each round (GET _remote/info, GET _resolve/cluster, POST _search) with the next state: what
    /// _remote/info says and the failure, if any, that _resolve/cluster and the search report. The last state repeats.
    /// </summary>
    private sealed class RoundClient(params (bool InfoConnected, string? Failure)[] rounds) : IElasticsearchClient
    {
        public int Rounds { get; private set; }

        public string Description => "https://es:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            if (path == "/_remote/info")
            {
                Rounds++;
            }

            var (infoConnected, failure) = rounds[Math.Min(Rounds, rounds.Length) - 1];
            JsonObject body = path switch
            {
                "/_remote/info" => new JsonObject
                {
                    [Alias] = new JsonObject
                    {
                        ["connected"] = infoConnected,
                        ["mode"] = "proxy",
                        ["proxy_address"] = "127.0.0.1:31000",
                        ["server_name"] = "quickstart-es-transport.elastic.svc",
                        ["num_proxy_sockets_connected"] = infoConnected ? 18 : 0,
                        ["max_proxy_socket_connections"] = 18,
                        ["initial_connect_timeout"] = "30s",
                        ["skip_unavailable"] = true,
                    },
                },
                _ when path.StartsWith("/_resolve/cluster/", StringComparison.Ordinal) => new JsonObject
                {
                    [Alias] = failure is null
                        ? new JsonObject { ["connected"] = true, ["skip_unavailable"] = true, ["version"] = new JsonObject { ["number"] = "9.1.0" } }
                        : new JsonObject { ["connected"] = false, ["skip_unavailable"] = true, ["error"] = failure },
                },
                _ => new JsonObject
                {
                    ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = 0 }, ["hits"] = new JsonArray() },
                    ["_clusters"] = new JsonObject
                    {
                        ["details"] = new JsonObject
                        {
                            [Alias] = failure is null
                                ? new JsonObject { ["status"] = "successful" }
                                : new JsonObject { ["status"] = "skipped", ["failures"] = new JsonArray(new JsonObject { ["reason"] = new JsonObject { ["type"] = "connect_transport_exception", ["reason"] = failure } }) },
                        },
                    },
                },
            };
            // As the client hands it over: parsed from the wire.
            return Task.FromResult(new ElasticsearchResponse(200, JsonNode.Parse(body.ToJsonString())));
        }
    }
}

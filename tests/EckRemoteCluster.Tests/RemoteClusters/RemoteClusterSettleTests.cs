using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Diagnosis;
using EckRemoteCluster.Tests.Diagnosis;
using EckRemoteCluster.Engine.RemoteClusters;
using Xunit;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Test-RemoteCluster while a connection is torn down: the remote's nodes restart with a new trust, _remote/info still
/// says connected, and the first attempts fail in a way that names no cause. It must look again, not say Unknown.
/// As in Elasticsearch, the REST answers carry no TLS detail (_resolve/cluster says connected:false without an error,
/// a skip_unavailable search says "Unable to connect"): what each attempt failed with is in the node's log, which the
/// fake cluster writes while it answers _resolve/cluster, the request that makes the attempt. The node's files exist
/// only behind its <see cref="INodeFiles"/> (as on a node reached through a session), so the log must be read there.
/// </summary>
public sealed class RemoteClusterSettleTests
{
    private const string Alias = "eck-cert";
    private const string Address = "127.0.0.1:31000";
    private const string Reset = $"[][{Address}] handshake failed because connection reset";

    // SecurityTransportExceptionHandler's line for a received certificate_unknown alert, on the outbound channel.
    private const string Rejected = $"client did not trust this server's certificate, closing connection Netty4TcpChannel{{localAddress=/127.0.0.1:40112, remoteAddress=/{Address}, profile=default}}";

    private const string LogFile = "/srv/es-node-1/logs/local.log";

    private readonly InMemoryNodeFiles _node = new("es-node-1");

    public RemoteClusterSettleTests()
    {
        _node.Write("/srv/es-node-1/config/elasticsearch.yml", "cluster.name: local\nnode.name: node-1\n");
        _node.Write(LogFile, string.Empty);
    }

    private RemoteClusterTestOptions Options => new([], [new NodeDirectory(_node, "/srv/es-node-1/config")], Handshake: false);

    [Fact]
    public async Task ATornDownConnectionIsCheckedAgainUntilACauseShows()
    {
        var client = new RoundClient(_node, (true, Reset), (false, Reset), (false, Rejected));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", Options, CancellationToken.None);

        Assert.False(result.Connected);
        Assert.Equal(nameof(RemoteConnectionCause.LocalCaNotTrustedByRemote), result.Cause);
        Assert.Contains(EvidenceSource.NodeLog, result.EvidenceSources);
        Assert.Equal(3, client.Rounds);
    }

    [Fact]
    public async Task ATornDownConnectionThatComesBackIsConnected()
    {
        var client = new RoundClient(_node, (true, Reset), (true, null));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", Options, CancellationToken.None);

        Assert.True(result.Connected);
        Assert.Null(result.Cause);
        Assert.Equal(2, client.Rounds);
    }

    [Fact]
    public async Task AKnownCauseIsReportedAtOnce()
    {
        var client = new RoundClient(_node, (false, Rejected), (true, null));
        var result = await new RemoteClusterService().TestAsync(client, Alias, "9.1.0", Options, CancellationToken.None);

        Assert.Equal(nameof(RemoteConnectionCause.LocalCaNotTrustedByRemote), result.Cause);
        Assert.Equal(1, client.Rounds);
    }

    [Fact]
    public async Task OnlyWhatTheFreshAttemptLoggedCounts()
    {
        // The first _resolve/cluster of a check finishes the attempt under way; the node logged the old cause for it.
        // The second makes a fresh attempt, which is all the diagnosis may rest on.
        var client = new RoundClient(_node, (false, Rejected)) { FreshAttemptLogs = Reset };
        var service = new RemoteClusterService { SettleTimeout = TimeSpan.Zero };
        var result = await service.TestAsync(client, Alias, "9.1.0", Options, CancellationToken.None);

        Assert.Equal(nameof(RemoteConnectionCause.Unknown), result.Cause);
        Assert.Contains("connection reset", result.Evidence);
        Assert.DoesNotContain("did not trust", result.Evidence);
    }

    [Fact]
    public async Task AnUnknownCauseThatStaysIsReportedOnceTheSettleTimeIsUp()
    {
        var client = new RoundClient(_node, (false, Reset));
        var service = new RemoteClusterService { SettleTimeout = TimeSpan.FromMilliseconds(600) };
        var result = await service.TestAsync(client, Alias, "9.1.0", Options, CancellationToken.None);

        Assert.Equal(nameof(RemoteConnectionCause.Unknown), result.Cause);
        Assert.Contains("connection reset", result.Evidence);
        Assert.InRange(client.Rounds, 2, 5);
    }

    /// <summary>
    /// Answers each round (GET _remote/info, then _resolve/cluster and the search) with the next state: what _remote/info
    /// says, and, when the remote is down, what the node logs for each attempt (_resolve/cluster reconnects). The REST
    /// answers are Elasticsearch's for a failed transport connection: connected:false, no error, "Unable to connect".
    /// The last state repeats.
    /// </summary>
    private sealed class RoundClient(InMemoryNodeFiles node, params (bool InfoConnected, string? Logged)[] rounds) : IElasticsearchClient
    {
        private int _attemptsThisRound;

        public int Rounds { get; private set; }

        /// <summary>When set, what the second attempt of a round logs instead (the first keeps the round's text).</summary>
        public string? FreshAttemptLogs { get; init; }

        public string Description => "https://es:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            if (path == "/_remote/info")
            {
                Rounds++;
                _attemptsThisRound = 0;
            }

            var (infoConnected, logged) = rounds[Math.Min(Rounds, rounds.Length) - 1];
            var down = logged is not null;
            if (down && path.StartsWith("/_resolve/cluster/", StringComparison.Ordinal))
            {
                _attemptsThisRound++;
                var text = _attemptsThisRound > 1 && FreshAttemptLogs is { } fresh ? fresh : logged!;
                var line = text.StartsWith("client did not trust", StringComparison.Ordinal)
                    ? $"[2026-01-02T03:04:05,000][WARN ][o.e.x.c.s.t.n.SecurityNetty4Transport] [node-1] {text}\n"
                    : $"[2026-01-02T03:04:05,000][WARN ][o.e.t.ProxyConnectionStrategy] [node-1] failed to open any proxy connections to cluster [{Alias}]\n"
                      + $"org.elasticsearch.transport.ConnectTransportException: {text}\n";
                node.Append(LogFile, line);
            }

            JsonObject body = path switch
            {
                "/_remote/info" => new JsonObject
                {
                    [Alias] = new JsonObject
                    {
                        ["connected"] = infoConnected,
                        ["mode"] = "proxy",
                        ["proxy_address"] = Address,
                        ["server_name"] = "quickstart-es-transport.elastic.svc",
                        ["num_proxy_sockets_connected"] = infoConnected ? 18 : 0,
                        ["max_proxy_socket_connections"] = 18,
                        ["initial_connect_timeout"] = "30s",
                        ["skip_unavailable"] = true,
                    },
                },
                _ when path.StartsWith("/_resolve/cluster/", StringComparison.Ordinal) => new JsonObject
                {
                    [Alias] = down
                        ? new JsonObject { ["connected"] = false, ["skip_unavailable"] = true }
                        : new JsonObject { ["connected"] = true, ["skip_unavailable"] = true, ["version"] = new JsonObject { ["number"] = "9.1.0" } },
                },
                _ => new JsonObject
                {
                    ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = 0 }, ["hits"] = new JsonArray() },
                    ["_clusters"] = new JsonObject
                    {
                        ["details"] = new JsonObject
                        {
                            [Alias] = down
                                ? new JsonObject { ["status"] = "skipped", ["failures"] = new JsonArray(new JsonObject { ["reason"] = new JsonObject { ["type"] = "connect_transport_exception", ["reason"] = $"Unable to connect to [{Alias}]" } }) }
                                : new JsonObject { ["status"] = "successful" },
                        },
                    },
                },
            };
            // As the client hands it over: parsed from the wire.
            return Task.FromResult(new ElasticsearchResponse(200, JsonNode.Parse(body.ToJsonString())));
        }
    }
}

using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

/// <summary>The rolling restart of one node follows Elasticsearch's documented order, and always puts allocation back.</summary>
public sealed class NodeRestartServiceTests
{
    private static readonly RollingRestartTimings Fast = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(5));

    [Fact]
    public async Task Allocation_is_limited_to_primaries_and_flushed_before_the_restart_and_put_back_after_the_node_rejoined()
    {
        var cluster = new FakeCluster();
        var outcome = await new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None);

        Assert.Equal(
            [
                "GET /_nodes/_all/jvm", "GET /_cluster/health", "GET /_cluster/settings?flat_settings=true",
                "PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":\"primaries\"}}",
                "POST /_flush", "RESTART node-1", "GET /_nodes/_all/jvm",
                "PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":null}}",
                "GET /_cluster/health?wait_for_status=green&timeout=2s",
            ],
            cluster.Log);
        Assert.Equal("id-node-1", outcome.NodeId);
        Assert.Equal(("green", "green"), (outcome.HealthBefore, outcome.HealthAfter));
        Assert.Null(outcome.AllocationEnable);
    }

    [Fact]
    public async Task Waits_until_the_node_is_back_with_a_new_start_time_not_just_listed()
    {
        var cluster = new FakeCluster { RejoinAfterPolls = 3 };
        await new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None);

        var restart = cluster.Log.IndexOf("RESTART node-1");
        var putBack = cluster.Log.FindIndex(l => l.Contains("\"cluster.routing.allocation.enable\":null", StringComparison.Ordinal));
        Assert.Equal(3, cluster.Log.Skip(restart).Take(putBack - restart).Count(l => l == "GET /_nodes/_all/jvm"));
    }

    [Fact]
    public async Task A_previous_allocation_value_is_what_is_put_back_in_both_scopes()
    {
        var cluster = new FakeCluster { Persistent = "new_primaries", Transient = "all" };
        var outcome = await new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None);

        Assert.Contains("PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":\"primaries\"},\"transient\":{\"cluster.routing.allocation.enable\":\"primaries\"}}", cluster.Log);
        Assert.Contains("PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":\"new_primaries\"},\"transient\":{\"cluster.routing.allocation.enable\":\"all\"}}", cluster.Log);
        Assert.Equal("all", outcome.AllocationEnable);
    }

    [Fact]
    public async Task A_yellow_cluster_is_waited_back_to_yellow_not_green()
    {
        var cluster = new FakeCluster { Status = "yellow" };
        var outcome = await new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None);

        Assert.Contains("GET /_cluster/health?wait_for_status=yellow&timeout=2s", cluster.Log);
        Assert.Equal("yellow", outcome.HealthBefore);
    }

    [Fact]
    public async Task A_red_cluster_is_refused_before_anything_changes()
    {
        var cluster = new FakeCluster { Status = "red" };
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None));

        Assert.Equal("ClusterHealthRed", error.ErrorId);
        Assert.DoesNotContain(cluster.Log, l => !l.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_restart_puts_allocation_back_and_reports_the_failure()
    {
        var cluster = new FakeCluster();
        var reporter = new Reporter();
        var request = new NodeRestartRequest("node-1", "ssh host1", NodeRestartMethod.Systemd, _ =>
            throw new EckRemoteClusterException("NodeRestartFailed", EckErrorCategory.InvalidOperation, "Job for elasticsearch.service failed", "x"));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().RestartAsync(cluster, request, Fast, reporter, CancellationToken.None));

        Assert.Equal("NodeRestartFailed", error.ErrorId);
        Assert.Equal("PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":null}}", cluster.Log[^1]);
        Assert.Contains(reporter.Warnings, w => w.Contains("put back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_C_while_waiting_for_the_node_puts_allocation_back_although_the_token_is_cancelled()
    {
        using var stop = new CancellationTokenSource();
        var cluster = new FakeCluster { RejoinAfterPolls = int.MaxValue, OnPoll = stop.Cancel };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), stop.Token));

        Assert.Equal("PUT /_cluster/settings {\"persistent\":{\"cluster.routing.allocation.enable\":null}}", cluster.Log[^1]);
        Assert.Equal("all", cluster.EffectiveAllocation);
    }

    [Fact]
    public async Task A_node_back_with_another_id_stops_the_rolling_restart()
    {
        var cluster = new FakeCluster { NewIdOnRestart = true };
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast, new Reporter(), CancellationToken.None));

        Assert.Equal("NodeRejoinedWithNewId", error.ErrorId);
        Assert.Equal("all", cluster.EffectiveAllocation);
    }

    [Fact]
    public async Task A_node_that_never_rejoins_times_out_with_allocation_put_back()
    {
        var cluster = new FakeCluster { RejoinAfterPolls = int.MaxValue };
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast with { RejoinTimeout = TimeSpan.FromMilliseconds(50) }, new Reporter(), CancellationToken.None));

        Assert.Equal("NodeDidNotRejoin", error.ErrorId);
        Assert.Equal("all", cluster.EffectiveAllocation);
    }

    [Fact]
    public async Task Health_that_does_not_come_back_is_an_error_after_allocation_was_put_back()
    {
        var cluster = new FakeCluster { StaysYellowAfterRestart = true };
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().RestartAsync(cluster, cluster.Request("node-1"), Fast with { HealthTimeout = TimeSpan.FromMilliseconds(20) }, new Reporter(), CancellationToken.None));

        Assert.Equal("ClusterHealthNotRestored", error.ErrorId);
        Assert.Equal(1, cluster.Log.Count(l => l.EndsWith("null}}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Finding_nodes_names_the_unknown_one_and_changes_nothing()
    {
        var cluster = new FakeCluster();
        var ids = await new NodeRestartService().FindNodesAsync(cluster, ["node-1", "node-2"], CancellationToken.None);
        Assert.Equal("id-node-2", ids["node-2"]);

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new NodeRestartService().FindNodesAsync(cluster, ["node-1", "node-9"], CancellationToken.None));
        Assert.Equal("NodeNotInCluster", error.ErrorId);
        Assert.Contains("node-9", error.Message, StringComparison.Ordinal);
        Assert.All(cluster.Log, l => Assert.StartsWith("GET ", l, StringComparison.Ordinal));
    }

    /// <summary>A two-node cluster answering the requests of a rolling restart, logging each one in order.</summary>
    private sealed class FakeCluster : IElasticsearchClient
    {
        private readonly Dictionary<string, (string Id, long Start)> _nodes = new()
        {
            ["node-1"] = ("id-node-1", 1000),
            ["node-2"] = ("id-node-2", 2000),
        };

        private int _pollsSinceRestart = -1;

        public List<string> Log { get; } = [];

        public string Status { get; set; } = "green";

        public string? Persistent { get; set; }

        public string? Transient { get; set; }

        public int RejoinAfterPolls { get; init; } = 1;

        public bool NewIdOnRestart { get; init; }

        public bool StaysYellowAfterRestart { get; init; }

        public Action? OnPoll { get; init; }

        public string EffectiveAllocation => Transient ?? Persistent ?? "all";

        public string Description => "https://es1:9200";

        public NodeRestartRequest Request(string name) => new(name, "ssh " + name, NodeRestartMethod.Systemd, _ =>
        {
            Log.Add("RESTART " + name);
            _pollsSinceRestart = 0;
            return Task.CompletedTask;
        });

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Log.Add($"{method} {path}" + (jsonBody is null ? string.Empty : " " + jsonBody.ToJsonString()));
            return Task.FromResult(path switch
            {
                "/_nodes/_all/jvm" => new ElasticsearchResponse(200, Nodes()),
                "/_cluster/settings?flat_settings=true" => new ElasticsearchResponse(200, new JsonObject
                {
                    ["persistent"] = Persistent is null ? new JsonObject() : new JsonObject { [NodeRestartService.AllocationSetting] = Persistent },
                    ["transient"] = Transient is null ? new JsonObject() : new JsonObject { [NodeRestartService.AllocationSetting] = Transient },
                }),
                "/_cluster/settings" => PutSettings(jsonBody!),
                "/_flush" => new ElasticsearchResponse(200, new JsonObject { ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 2, ["failed"] = 0 } }),
                _ when path.StartsWith("/_cluster/health", StringComparison.Ordinal) => Health(path),
                _ => new ElasticsearchResponse(400, null),
            });
        }

        private ElasticsearchResponse PutSettings(JsonNode body)
        {
            if (body["persistent"] is JsonObject p)
            {
                Persistent = (string?)p[NodeRestartService.AllocationSetting];
            }

            if (body["transient"] is JsonObject t)
            {
                Transient = (string?)t[NodeRestartService.AllocationSetting];
            }

            return new ElasticsearchResponse(200, new JsonObject { ["acknowledged"] = true });
        }

        private ElasticsearchResponse Health(string path)
        {
            var status = _pollsSinceRestart >= 0 && (StaysYellowAfterRestart || EffectiveAllocation != "all") ? "yellow" : Status;
            var timedOut = path.Contains("wait_for_status=green", StringComparison.Ordinal) && status != "green";
            return new ElasticsearchResponse(timedOut ? 408 : 200, new JsonObject { ["status"] = status, ["timed_out"] = timedOut, ["unassigned_shards"] = status == "green" ? 0 : 3 });
        }

        private JsonObject Nodes()
        {
            if (_pollsSinceRestart >= 0)
            {
                OnPoll?.Invoke();
                _pollsSinceRestart++;
                if (_pollsSinceRestart == RejoinAfterPolls)
                {
                    _nodes["node-1"] = (NewIdOnRestart ? "other-id" : _nodes["node-1"].Id, 5000);
                }
            }

            var nodes = new JsonObject();
            foreach (var (name, (id, start)) in _nodes)
            {
                if (_pollsSinceRestart < 0 || name != "node-1" || _pollsSinceRestart >= RejoinAfterPolls)
                {
                    nodes[id] = new JsonObject { ["name"] = name, ["jvm"] = new JsonObject { ["start_time_in_millis"] = start } };
                }
            }

            return new JsonObject { ["nodes"] = nodes };
        }
    }

    private sealed class Reporter : IOperationReporter
    {
        public List<string> Warnings { get; } = [];

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message) => Warnings.Add(message);

        public void Progress(string activity, string status, int percentComplete = -1)
        {
        }

        public void CompleteProgress(string activity)
        {
        }
    }
}

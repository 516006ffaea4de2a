using System.Diagnostics;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// The rolling restart of Elasticsearch's "Full-cluster restart and rolling restart" page, for one node:
/// 1. PUT _cluster/settings persistent cluster.routing.allocation.enable: primaries (replicas of the leaving node are
///    not rebuilt elsewhere meanwhile), 2. POST _flush, 3. restart the node, 4. wait until it is back in GET _nodes with
///    the same id and a new JVM start time, 5. put allocation back as it was, 6. wait for the health it had before.
/// Allocation is put back in a finally block, with its own short deadline, so failures and Ctrl+C leave it as found.
/// </summary>
internal sealed class NodeRestartService : INodeRestartService
{
    internal const string AllocationSetting = "cluster.routing.allocation.enable";
    private static readonly TimeSpan RestoreDeadline = TimeSpan.FromSeconds(60);

    public string NodeNameFromConfig(string elasticsearchYml, string source, string hostName)
    {
        var configured = NodeConfig.ElasticsearchYmlReader.Read(elasticsearchYml, source).GetValueOrDefault("node.name")?.Scalar;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return hostName;
        }

        var name = configured.Replace("${HOSTNAME}", hostName, StringComparison.Ordinal).Replace("${COMPUTERNAME}", hostName, StringComparison.Ordinal);
        if (name.Contains("${", StringComparison.Ordinal))
        {
            throw new EckRemoteClusterException(ErrorIds.NodeNameUnresolved, EckErrorCategory.InvalidData,
                $"node.name in {source} is [{configured}]: it takes a value from the service's environment, which the module cannot see. Nothing was changed.",
                "Give the node's name as the cluster knows it (GET _cat/nodes) by setting node.name literally, or restart that node with -RestartCommand and -ConfigPath of a copy naming it.",
                source);
        }

        return name;
    }

    public async Task<IReadOnlyDictionary<string, string>> FindNodesAsync(
        IElasticsearchClient client, IReadOnlyCollection<string> nodeNames, CancellationToken cancellationToken)
    {
        var nodes = await ListNodesAsync(client, cancellationToken);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in nodeNames)
        {
            var found = nodes.Where(n => n.Name == name).ToList();
            if (found.Count != 1)
            {
                throw new EckRemoteClusterException(ErrorIds.NodeNotInCluster, EckErrorCategory.ObjectNotFound,
                    $"The cluster at {client.Description} has no node named [{name}] now (its nodes: {string.Join(", ", nodes.Select(n => n.Name).Order(StringComparer.Ordinal))}). Nothing was changed.",
                    "Start the node, or check node.name in its elasticsearch.yml (Get-ElasticsearchNodeConfig) and that -Connection is its cluster; then run Restart-ElasticsearchNode again.",
                    name);
            }

            ids[name] = found[0].Id;
        }

        return ids;
    }

    public async Task<NodeRestartOutcome> RestartAsync(
        IElasticsearchClient client, NodeRestartRequest node, RollingRestartTimings timings, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var activity = $"Restarting Elasticsearch node {node.NodeName}";
        var clock = Stopwatch.StartNew();
        var before = (await ListNodesAsync(client, cancellationToken)).FirstOrDefault(n => n.Name == node.NodeName)
            ?? throw NotInCluster(client, node);
        var healthBefore = await HealthAsync(client, null, cancellationToken);
        if (healthBefore.Status == "red")
        {
            throw new EckRemoteClusterException(ErrorIds.ClusterHealthRed, EckErrorCategory.InvalidOperation,
                $"The cluster at {client.Description} is red: some primary shards are unassigned, and restarting {node.NodeName} could make more of them unavailable. Nothing was changed.",
                "Find why with GET _cluster/allocation/explain (Invoke-ElasticsearchRequest), bring the cluster to yellow or green, then run Restart-ElasticsearchNode again.",
                node.NodeName);
        }

        var allocation = await ReadAllocationAsync(client, cancellationToken);
        if (allocation.Persistent is "primaries" or "none" || allocation.Transient is "primaries" or "none")
        {
            reporter.Warning($"{AllocationSetting} is already {allocation.Transient ?? allocation.Persistent} (an interrupted restart?); it is put back to that value afterwards, and replicas stay unassigned until you set it to all.");
        }

        reporter.Progress(activity, $"{AllocationSetting}: primaries");
        reporter.Verbose($"{node.NodeName} ({before.Id}, {node.Location}): health {healthBefore.Status}; {AllocationSetting} was {allocation.Describe()}; setting it to primaries.");
        var changed = true;
        try
        {
            await PutAllocationAsync(client, Primaries(allocation), cancellationToken);

            reporter.Progress(activity, "flush");
            await FlushAsync(client, reporter, cancellationToken);

            reporter.Progress(activity, $"restart ({node.Method})");
            reporter.Verbose($"{node.NodeName}: restarting through {node.Method} on {node.Location}.");
            await node.Restart(cancellationToken);

            reporter.Progress(activity, "waiting for the node to rejoin");
            await WaitForRejoinAsync(client, node, before, timings, cancellationToken);

            reporter.Progress(activity, $"{AllocationSetting}: back to {allocation.Describe()}");
            await PutAllocationAsync(client, (allocation.Persistent, allocation.Transient), cancellationToken);
            changed = false;

            reporter.Progress(activity, $"waiting for health {healthBefore.Status}");
            var after = await WaitForHealthAsync(client, node, healthBefore.Status, timings, reporter, activity, cancellationToken);
            reporter.CompleteProgress(activity);
            return new NodeRestartOutcome(node.NodeName, before.Id, healthBefore.Status, after, allocation.Transient ?? allocation.Persistent, clock.Elapsed);
        }
        finally
        {
            if (changed)
            {
                await RestoreAfterFailureAsync(client, node, allocation, reporter);
            }
        }
    }

    private static (string? Persistent, string? Transient) Primaries(AllocationSettings allocation) =>
        ("primaries", allocation.Transient is null ? null : "primaries");

    /// <summary>Puts allocation back after a failure or Ctrl+C, with a token of its own: the caller's may be cancelled already.</summary>
    private static async Task RestoreAfterFailureAsync(IElasticsearchClient client, NodeRestartRequest node, AllocationSettings allocation, IOperationReporter reporter)
    {
        using var deadline = new CancellationTokenSource(RestoreDeadline);
        try
        {
            await PutAllocationAsync(client, (allocation.Persistent, allocation.Transient), deadline.Token);
            reporter.Warning($"{node.NodeName}: the restart did not complete; {AllocationSetting} was put back to {allocation.Describe()}.");
        }
        catch (Exception e) when (e is EckRemoteClusterException or OperationCanceledException)
        {
            reporter.Warning($"{node.NodeName}: the restart did not complete and {AllocationSetting} could not be put back ({e.Message}). "
                + $"Put it back yourself: PUT _cluster/settings {{\"persistent\":{{\"{AllocationSetting}\":{Json(allocation.Persistent)}}}}}.");
        }
    }

    private static string Json(string? value) => value is null ? "null" : $"\"{value}\"";

    private static async Task WaitForRejoinAsync(
        IElasticsearchClient client, NodeRestartRequest node, NodeInfo before, RollingRestartTimings timings, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var now = (await ListNodesAsync(client, cancellationToken, tolerateFailure: true))?.FirstOrDefault(n => n.Name == node.NodeName);
            if (now is not null && now.StartTime != before.StartTime)
            {
                if (now.Id != before.Id)
                {
                    throw new EckRemoteClusterException(ErrorIds.NodeRejoinedWithNewId, EckErrorCategory.InvalidData,
                        $"{node.NodeName} came back as node [{now.Id}], not [{before.Id}]: it started with another data path (or an emptied one), so it holds none of the shards it had.",
                        "Check path.data in the node's elasticsearch.yml and the data directory's ownership; the rolling restart stopped here so no other node restarts.",
                        node.NodeName);
                }

                return;
            }

            if (deadline.Elapsed > timings.RejoinTimeout)
            {
                throw new EckRemoteClusterException(ErrorIds.NodeDidNotRejoin, EckErrorCategory.OperationTimeout,
                    $"{node.NodeName} ({before.Id}) did not rejoin the cluster within {timings.RejoinTimeout.TotalSeconds:0} s of its restart ({node.Location}).",
                    "Read the node's log (journalctl -u elasticsearch, or its logs directory) for why it did not start or join; fix it, start it, then run Restart-ElasticsearchNode again for the remaining nodes.",
                    node.NodeName);
            }

            await Task.Delay(timings.PollInterval, cancellationToken);
        }
    }

    private static async Task<string> WaitForHealthAsync(
        IElasticsearchClient client, NodeRestartRequest node, string wanted, RollingRestartTimings timings, IOperationReporter reporter, string activity,
        CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var waitSeconds = Math.Max(1, (int)Math.Min(30, timings.HealthTimeout.TotalSeconds));
            var health = await HealthAsync(client, $"?wait_for_status={wanted}&timeout={waitSeconds}s", cancellationToken);
            if (!health.TimedOut && Rank(health.Status) <= Rank(wanted))
            {
                return health.Status;
            }

            reporter.Progress(activity, $"waiting for health {wanted}: {health.Status}, {health.UnassignedShards} unassigned shards");
            if (deadline.Elapsed > timings.HealthTimeout)
            {
                throw new EckRemoteClusterException(ErrorIds.ClusterHealthNotRestored, EckErrorCategory.OperationTimeout,
                    $"After restarting {node.NodeName} the cluster stayed {health.Status} for {timings.HealthTimeout.TotalMinutes:0.#} min (it was {wanted} before; {health.UnassignedShards} shards unassigned). Allocation is back as it was.",
                    "Find why with GET _cluster/allocation/explain (Invoke-ElasticsearchRequest); restart the remaining nodes once the cluster is back to its health.",
                    node.NodeName);
            }
        }
    }

    private static int Rank(string status) => status switch { "green" => 0, "yellow" => 1, _ => 2 };

    private static async Task FlushAsync(IElasticsearchClient client, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("POST", "/_flush", null, cancellationToken);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "POST /_flush");
        var failed = (int?)response.Body?["_shards"]?["failed"] ?? 0;
        if (failed > 0)
        {
            // A flush only speeds up recovery; Elasticsearch's procedure goes on when some shards could not flush.
            reporter.Warning($"The flush failed on {failed} shards (indexing still running?); their recovery after the restart takes longer.");
        }
    }

    private static async Task PutAllocationAsync(IElasticsearchClient client, (string? Persistent, string? Transient) values, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["persistent"] = new JsonObject { [AllocationSetting] = values.Persistent } };
        if (values.Transient is not null)
        {
            body["transient"] = new JsonObject { [AllocationSetting] = values.Transient };
        }

        var response = await client.SendAsync("PUT", "/_cluster/settings", body, cancellationToken);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, $"PUT /_cluster/settings ({AllocationSetting})");
    }

    private static async Task<AllocationSettings> ReadAllocationAsync(IElasticsearchClient client, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("GET", "/_cluster/settings?flat_settings=true", null, cancellationToken);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_cluster/settings");
        return new AllocationSettings((string?)response.Body?["persistent"]?[AllocationSetting], (string?)response.Body?["transient"]?[AllocationSetting]);
    }

    private static async Task<Health> HealthAsync(IElasticsearchClient client, string? query, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("GET", "/_cluster/health" + query, null, cancellationToken);
        if (response.StatusCode != 408)
        {
            ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_cluster/health");
        }

        return new Health(
            (string?)response.Body?["status"] ?? "red",
            (bool?)response.Body?["timed_out"] ?? response.StatusCode == 408,
            (int?)response.Body?["unassigned_shards"] ?? 0);
    }

    /// <summary>The nodes in the cluster now; while the node restarts the one answering may be it, so failures can be tolerated.</summary>
    private static async Task<List<NodeInfo>> ListNodesAsync(IElasticsearchClient client, CancellationToken cancellationToken) =>
        (await ListNodesAsync(client, cancellationToken, tolerateFailure: false))!;

    private static async Task<List<NodeInfo>?> ListNodesAsync(IElasticsearchClient client, CancellationToken cancellationToken, bool tolerateFailure)
    {
        ElasticsearchResponse response;
        try
        {
            response = await client.SendAsync("GET", "/_nodes/_all/jvm", null, cancellationToken);
        }
        catch (EckRemoteClusterException) when (tolerateFailure)
        {
            return null;
        }

        if (!response.IsSuccess && tolerateFailure)
        {
            return null;
        }

        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_nodes");
        return [.. (response.Body?["nodes"] as JsonObject ?? []).Select(n => new NodeInfo(
            n.Key,
            (string?)n.Value?["name"] ?? n.Key,
            (long?)n.Value?["jvm"]?["start_time_in_millis"] ?? 0))];
    }

    private static EckRemoteClusterException NotInCluster(IElasticsearchClient client, NodeRestartRequest node) =>
        new(ErrorIds.NodeNotInCluster, EckErrorCategory.ObjectNotFound,
            $"The cluster at {client.Description} has no node named [{node.NodeName}] now ({node.Location}). Nothing was changed.",
            "Start the node, or check node.name in its elasticsearch.yml (Get-ElasticsearchNodeConfig) and that -Connection is its cluster; then run Restart-ElasticsearchNode again.",
            node.NodeName);

    private sealed record NodeInfo(string Id, string Name, long StartTime);

    private sealed record Health(string Status, bool TimedOut, int UnassignedShards);

    private sealed record AllocationSettings(string? Persistent, string? Transient)
    {
        public string Describe() => Transient is not null ? $"{Transient} (transient)" : Persistent ?? "unset (all)";
    }
}

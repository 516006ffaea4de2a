using System.Collections.Concurrent;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// What links to the same ECK cluster share during one plan or apply: the cluster read once, one connection to its
/// Elasticsearch, its transport CA, and a gate so two links never enable or publish it at the same time.
/// </summary>
internal sealed class EckClusterState(EstateEckCluster spec, IEngine engine)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _once = new(StringComparer.Ordinal);

    public EstateEckCluster Spec { get; } = spec;

    public KubernetesTarget Target { get; } = new(spec.KubeConfig, spec.Context);

    /// <summary>Held while enabling the remote cluster server, publishing, or changing the cluster's trust.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Task<EckCluster> ClusterAsync(IOperationReporter reporter, CancellationToken token) =>
        Once("cluster", () => engine.Eck.GetClusterAsync(Target, Spec.Namespace, Spec.Cluster, reporter, token));

    public Task<ElasticsearchConnection> RemoteAsync(IOperationReporter reporter, CancellationToken token) =>
        Once("remote", async () => await engine.Elasticsearch.ConnectToEckAsync(await ClusterAsync(reporter, token).ConfigureAwait(false), reporter, token).ConfigureAwait(false));

    public Task<string> CaPemAsync(IOperationReporter reporter, CancellationToken token) =>
        Once("ca", async () => (await engine.Eck.GetTransportCaAsync(await ClusterAsync(reporter, token).ConfigureAwait(false), reporter, token).ConfigureAwait(false)).Pem);

    /// <summary>One result per name for the life of this object; a failure is shared too (the next run reads again).</summary>
    private async Task<T> Once<T>(string name, Func<Task<T>> work) where T : class =>
        (T)await _once.GetOrAdd(name, _ => new Lazy<Task<object>>(async () => await work().ConfigureAwait(false))).Value.ConfigureAwait(false);
}

/// <summary>
/// What the links of one local cluster share: its connection and nodes, and a gate held while its node files are
/// read or written, its secure settings reloaded or its nodes restarted, so links in parallel take turns on the nodes
/// (a PSSession runs one command at a time, and a rolling restart must not meet a reload).
/// </summary>
internal sealed class LocalClusterState(EstateLocalTarget target)
{
    public EstateLocalTarget Target { get; } = target;

    public string Name => Target.Spec.Name;

    public ElasticsearchConnection Connection => Target.Connection;

    public IReadOnlyList<NodeDirectory> Directories { get; } = target.Nodes.Select(n => n.Directory).ToList();

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Per alias: the credential across the keystores and the key id it names (read once, before planning).</summary>
    public Dictionary<string, (ObservedCredential State, string? KeyId)> Credentials { get; } = new(StringComparer.Ordinal);

    /// <summary>The aliases registered on the cluster, and how (read once, before planning).</summary>
    public IReadOnlyList<RemoteCluster> Registered { get; set; } = [];

    public async Task<T> WithNodesAsync<T>(Func<T> work, CancellationToken token)
    {
        await Gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            Gate.Release();
        }
    }

    public async Task<T> WithNodesAsync<T>(Func<Task<T>> work, CancellationToken token)
    {
        await Gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }
}

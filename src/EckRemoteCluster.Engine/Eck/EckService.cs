using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>The engine's ECK side, put together from one part per concern.</summary>
internal sealed class EckService : IEckService
{
    private readonly ClusterReader _reader;
    private readonly RemoteClusterServerSwitch _switch;
    private readonly ClusterReadinessWatch _watch;
    private readonly ServicePublisher _publisher;
    private readonly TransportCaReader _transportCa;
    private readonly TransportTrustWriter _transportTrust;

    private readonly KubernetesSessions _sessions;

    public EckService(KubernetesSessions sessions)
    {
        _sessions = sessions;
        _reader = new ClusterReader(sessions);
        _switch = new RemoteClusterServerSwitch(_reader);
        _watch = new ClusterReadinessWatch(_reader);
        _publisher = new ServicePublisher(_reader);
        _transportCa = new TransportCaReader(_reader);
        _transportTrust = new TransportTrustWriter(_reader);
    }

    public Task<IReadOnlyList<EckCluster>> ListClustersAsync(KubernetesTarget target, string? namespaceName, bool allNamespaces, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _reader.ListAsync(target, namespaceName, allNamespaces, reporter, cancellationToken);

    public Task<EckCluster> GetClusterAsync(KubernetesTarget target, string? namespaceName, string name, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _reader.GetAsync(target, namespaceName, name, reporter, cancellationToken);

    public void EnsureRemoteClusterServerSupported(EckCluster cluster) => RemoteClusterServerSwitch.EnsureSupported(cluster);

    public Task<EckCluster> SetRemoteClusterServerAsync(EckCluster cluster, bool enabled, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _switch.SetAsync(cluster, enabled, reporter, cancellationToken);

    public Task<EckCluster> WaitForReadyAsync(EckCluster cluster, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _watch.WaitAsync(cluster, timeout, reporter, cancellationToken);

    public Task<PublishPlan> PlanPublishAsync(EckCluster cluster, PublishRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _publisher.PlanAsync(cluster, request, reporter, cancellationToken);

    public Task<EckRemoteClusterEndpoint> PublishAsync(PublishPlan plan, TimeSpan addressTimeout, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(plan, addressTimeout, reporter, cancellationToken);

    public Task<UnpublishPlan?> PlanUnpublishAsync(EckCluster cluster, EckInterface exposed, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _publisher.PlanUnpublishAsync(cluster, exposed, reporter, cancellationToken);

    public Task UnpublishAsync(UnpublishPlan plan, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _publisher.UnpublishAsync(plan, reporter, cancellationToken);

    public Task<IReadOnlyList<EckRemoteClusterEndpoint>> GetEndpointsAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _publisher.GetEndpointsAsync(cluster, reporter, cancellationToken);

    public Task<EckCertificateAuthority> GetTransportCaAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _transportCa.ReadAsync(cluster, reporter, cancellationToken);

    public Task<TransportTrustPlan> PlanTransportTrustAsync(EckCluster cluster, string caPem, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _transportTrust.PlanAsync(cluster, caPem, reporter, cancellationToken);

    public Task<TransportTrustPlan> PlanTransportTrustFollowingAsync(
        EckCluster cluster, string caPem, string localCluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _transportTrust.PlanAsync(cluster, caPem, localCluster, reporter, cancellationToken);

    public Task<EckTransportTrust> AddTransportTrustAsync(TransportTrustPlan plan, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _transportTrust.ApplyAsync(plan, reporter, cancellationToken);

    public IReadOnlyList<string> ListContexts(string? kubeConfig)
    {
        var files = KubernetesSessions.KubeConfigFiles(kubeConfig);
        return files.Count == 0 ? [] : KubeConfigMerge.Load(files).Contexts?.Select(c => c.Name).ToList() ?? [];
    }

    public async Task<IReadOnlyList<string>> ListNamespacesAsync(KubernetesTarget target, CancellationToken cancellationToken)
    {
        var session = _sessions.Get(target);
        var namespaces = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("list", "namespaces", null, null, session),
            () => session.Client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return namespaces.Items.Select(n => n.Metadata.Name).ToList();
    }
}

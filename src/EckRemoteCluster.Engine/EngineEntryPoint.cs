using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine;

/// <summary>Created once by the module (through reflection, inside the engine's load context).</summary>
internal sealed class EngineEntryPoint : IEngine
{
    public INodeConfigService NodeConfig { get; } = new NodeConfigService();

    public IRules Rules { get; } = new RulesService();

    public IRemoteClusterService RemoteClusters { get; } = new RemoteClusters.RemoteClusterService();

    // One set of Kubernetes clients (per kubeconfig and context) for everything that talks to Kubernetes.
    private static readonly Kubernetes.KubernetesSessions s_kubernetes = new();

    public IEckService Eck { get; } = new Eck.EckService(s_kubernetes);

    public IElasticsearchService Elasticsearch { get; } = new Elasticsearch.ElasticsearchService(s_kubernetes);

    public ICrossClusterApiKeyService CrossClusterApiKeys { get; } = new Elasticsearch.CrossClusterApiKeyService();

    public INodeRestartService NodeRestarts { get; } = new Elasticsearch.NodeRestartService();

    public ICredentialRollout CredentialRollout { get; }

    public IRemoteClusterHealthService RemoteClusterHealth { get; }

    public IEstateService Estate { get; }

    public ICredentialRotation CredentialRotation { get; }

    public ITrustSync TrustSync { get; }

    public EngineEntryPoint()
    {
        CredentialRollout = new RemoteClusters.CredentialRollout(RemoteClusters, CrossClusterApiKeys);
        RemoteClusterHealth = new RemoteClusters.RemoteClusterHealthService(RemoteClusters, Eck, NodeConfig);
        Estate = new Estate.EstateService(this);
        CredentialRotation = new RemoteClusters.CredentialRotation(NodeConfig, RemoteClusters, CrossClusterApiKeys, CredentialRollout);
        TrustSync = new RemoteClusters.TrustSync(NodeConfig, RemoteClusters, Eck);
    }
}

namespace EckRemoteCluster.Contracts;

/// <summary>
/// What the cmdlets ask of the engine. Implemented in EckRemoteCluster.Engine.dll, which lives in the private load
/// context; only types from this assembly and the BCL cross the boundary.
/// </summary>
internal interface IEngine
{
    INodeConfigService NodeConfig { get; }

    IRules Rules { get; }

    IRemoteClusterService RemoteClusters { get; }

    IEckService Eck { get; }

    IElasticsearchService Elasticsearch { get; }

    ICrossClusterApiKeyService CrossClusterApiKeys { get; }

    INodeRestartService NodeRestarts { get; }

    ICredentialRollout CredentialRollout { get; }

    IRemoteClusterHealthService RemoteClusterHealth { get; }

    IEstateService Estate { get; }

    ICredentialRotation CredentialRotation { get; }

    ITrustSync TrustSync { get; }
}

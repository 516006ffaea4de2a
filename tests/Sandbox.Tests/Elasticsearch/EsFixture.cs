using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// A self-managed cluster on disk (2 nodes, node-2 with a password-protected keystore) and one ECK cluster with the remote
/// cluster server enabled, in process, once per test class.
/// </summary>
public class EsFixture : IAsyncLifetime
{
    public string StateDir { get; } = Path.Combine(Path.GetTempPath(), "es-sandbox-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalCluster Local { get; private set; } = null!;

    public EckElasticsearchFleet Fleet { get; } = new();

    public EckTestCluster Eck { get; } = new();

    public IReadOnlyList<NodeEndpoints> EckEndpoints { get; private set; } = [];

    protected virtual bool RemoteClusterServerAtStart => true;

    protected virtual string LocalVersion => "9.1.0";

    public virtual async Task InitializeAsync()
    {
        Local = new LocalCluster(new LocalClusterOptions(StateDir, 2, LocalVersion, KeystorePasswordNode: 2));
        await Local.StartAsync(CancellationToken.None);
        EckEndpoints = await Fleet.ApplyEckClusterAsync(Eck.Spec(RemoteClusterServerAtStart), CancellationToken.None);
    }

    public EsTestClient LocalClient(int node = 1) => new(
        $"https://127.0.0.1:{Local.Cluster.Nodes[node - 1].Http.Port}", "elastic", Local.ElasticPassword,
        X509CertificateLoader.LoadCertificateFromFile(Local.HttpCaPath));

    public EsTestClient EckClient(int pod = 0) => new(
        $"https://127.0.0.1:{EckEndpoints[pod].Http.Port}", "elastic", Eck.Password, Eck.HttpCa.Certificate);

    public async Task DisposeAsync()
    {
        await Fleet.DisposeAsync();
        await Local.DisposeAsync();
        Eck.Dispose();
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Test classes that only read or use their own names share one fixture (starting one costs seconds of CPU).</summary>
[CollectionDefinition(Name)]
public sealed class SharedEsCollection : ICollectionFixture<EsFixture>
{
    public const string Name = "shared Elasticsearch fixture";
}

using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.RemoteClusters;
using EckRemoteCluster.Tests.Kubernetes;
using EckRemoteCluster.Tests.NodeConfig;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Sync-RemoteClusterTrust over real node directories: the new CA goes in next to the old one, and the old one leaves
/// only when the chain the remote presents needs it no more and the remote answers; a failed answer puts it back.
/// </summary>
public sealed class TrustSyncTests : IDisposable
{
    private const string Alias = "eck";
    private readonly TempDirectory _root = new();
    private readonly string[] _nodes;
    private readonly Authority _old = new("CN=quickstart-transport, OU=quickstart");
    private readonly Authority _new = new("CN=quickstart-transport, OU=quickstart");
    private readonly ConnectingRemotes _remotes = new();

    public TrustSyncTests()
    {
        _nodes = [NewNode("node-1"), NewNode("node-2")];
    }

    public void Dispose()
    {
        _root.Dispose();
        _old.Dispose();
        _new.Dispose();
    }

    [Fact]
    public async Task TheNewCaIsAddedAndTheOldOneKeptWhileTheRemoteStillPresentsAChainOnlyTheOldOneTrusts()
    {
        var results = (await Sync(served: _old).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.All(results!, r => Assert.Equal(TrustSyncAction.CaAdded, r.Action));
        Assert.All(results!, r => Assert.Single(r.Kept));
        Assert.Contains("still presents a certificate", results![0].Reason, StringComparison.Ordinal);
        Assert.All(_nodes, node => Assert.Equal([_new.Certificate.Thumbprint, _old.Certificate.Thumbprint], Trusted(node)));
    }

    [Fact]
    public async Task TheOldCaLeavesOnceTheRemotePresentsAChainTheNewOneAloneTrustsAndTheRemoteAnswers()
    {
        var results = (await Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.All(results!, r => Assert.Equal(TrustSyncAction.CaAddedOldCaRemoved, r.Action));
        Assert.All(results!, r => Assert.True(r.Verified));
        Assert.All(_nodes, node => Assert.Equal([_new.Certificate.Thumbprint], Trusted(node)));
        // Checked with both CAs in place before the removal, and again after it.
        Assert.Equal(2, _remotes.Checks);

        var again = (await Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;
        Assert.All(again!, r => Assert.Equal(TrustSyncAction.Unchanged, r.Action));
    }

    [Fact]
    public async Task AnotherEckClustersCaInTheSameFileIsNeverRemoved()
    {
        using var other = new Authority("CN=team-02-transport, OU=team-02");
        foreach (var node in _nodes)
        {
            File.AppendAllText(Path.Combine(node, "remote-cluster-ca.crt"), other.Pem);
        }

        var results = (await Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.All(results!, r => Assert.Equal(TrustSyncAction.CaAddedOldCaRemoved, r.Action));
        Assert.All(results!, r => Assert.Empty(r.Kept));
        Assert.All(_nodes, node => Assert.Equal([_new.Certificate.Thumbprint, other.Certificate.Thumbprint], Trusted(node)));

        var again = (await Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;
        Assert.All(again!, r => Assert.Equal(TrustSyncAction.Unchanged, r.Action));
    }

    [Fact]
    public async Task ACaOfTheSameSubjectThatAnotherAliasRemoteStillPresentsIsNotTakenForTheSupersededOne()
    {
        // Two ECK clusters named quickstart in two namespaces: their CAs share a subject.
        using var twin = new Authority("CN=quickstart-transport, OU=quickstart");
        _remotes.Others.Add(("eck-team-02", "127.0.0.2:9443"));
        foreach (var node in _nodes)
        {
            File.AppendAllText(Path.Combine(node, "remote-cluster-ca.crt"), twin.Pem);
        }

        var results = (await Sync(served: _new, new Dictionary<string, Authority> { ["127.0.0.2:9443"] = twin })
            .SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.All(results!, r => Assert.Equal(TrustSyncAction.CaAddedOldCaRemoved, r.Action));
        Assert.All(_nodes, node => Assert.Equal([_new.Certificate.Thumbprint, twin.Certificate.Thumbprint], Trusted(node)));
    }

    [Fact]
    public async Task ARemoteThatDoesNotAnswerAfterTheRemovalGetsTheOldCaBack()
    {
        _remotes.FailFromCheck = 2;

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.TrustSyncNotVerified, error.ErrorId);
        Assert.All(_nodes, node => Assert.Equal([_new.Certificate.Thumbprint, _old.Certificate.Thumbprint], Trusted(node)));
    }

    [Fact]
    public async Task ANodeWithoutTheCaFileIsRefusedBeforeAnythingIsWritten()
    {
        File.Delete(Path.Combine(_nodes[1], "remote-cluster-ca.crt"));
        var before = File.ReadAllBytes(Path.Combine(_nodes[0], "remote-cluster-ca.crt"));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Sync(served: _new).SyncAsync(Request(), new Yes(), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.TrustSyncNotConfigured, error.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_nodes[0], "remote-cluster-ca.crt")));
    }

    [Fact]
    public async Task DeclinedConfirmationWritesNothing()
    {
        var before = _nodes.Select(n => File.ReadAllBytes(Path.Combine(n, "remote-cluster-ca.crt"))).ToList();

        var results = await Sync(served: _new).SyncAsync(Request(), new No(), new RecordingReporter(), CancellationToken.None);

        Assert.Null(results);
        Assert.Equal(before, _nodes.Select(n => File.ReadAllBytes(Path.Combine(n, "remote-cluster-ca.crt"))).ToList());
    }

    [Fact]
    public async Task ForTheCertificateModelTheEckClusterIsGivenTheLocalTransportCaBeforeTheNodesFilesChange()
    {
        using var localCa = new Authority("CN=local-transport-ca");
        var nodes = new[] { NewCertificateModelNode("cert-1", localCa), NewCertificateModelNode("cert-2", localCa) };
        _remotes.SecurityModel = RemoteClusterSecurityModel.Certificate;
        var eck = new TrustingEck(() => File.ReadAllText(Path.Combine(nodes[0], "remote-transport-ca.crt")));
        var sync = new TrustSync(new NodeConfigService(), _remotes, eck)
        {
            ReadEckCa = (_, _, _) => Task.FromResult(new EckCertificateAuthority("quickstart", "elastic", null, [_new.Certificate], _new.Pem, null)),
            ReadServedChain = (_, _, _) => Task.FromResult(new ServedChain(_new.Leaf, [_new.Certificate], null)),
        };

        var outcome = await sync.SyncAsync(Request(nodes), new Yes(), new RecordingReporter(), CancellationToken.None);

        // The local CA (not the leaf, not the ECK CA the nodes also trust) went to the ECK cluster, while the nodes'
        // files still held the old ECK CA only.
        var sent = new X509Certificate2Collection();
        sent.ImportFromPem(Assert.Single(eck.Planned));
        Assert.Equal([localCa.Certificate.Thumbprint], sent.Select(c => c.Thumbprint).ToArray());
        Assert.Equal(_old.Pem, eck.NodeFileWhenAdded);
        Assert.NotNull(outcome!.EckTrust);
        Assert.All(outcome.Nodes, r => Assert.Equal(TrustSyncAction.CaAddedOldCaRemoved, r.Action));
        Assert.All(nodes, node => Assert.Equal([_new.Certificate.Thumbprint], Trusted(node, "remote-transport-ca.crt")));
    }

    [Fact]
    public async Task InAPkcs12TruststoreTheNewCaIsAddedAndTheSupersededOneRemovedEveryOtherEntryKept()
    {
        using var localCa = new Authority("CN=local-transport-ca");
        var nodes = new[] { NewStoreNode("store-1", localCa, _old), NewStoreNode("store-2", localCa, _old) };

        var results = (await Sync(served: _new).SyncAsync(Request(nodes), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.All(results!, r => Assert.Equal(TrustSyncAction.CaAddedOldCaRemoved, r.Action));
        Assert.All(results!, r => Assert.EndsWith("remote.p12", r.CaFile, StringComparison.Ordinal));
        Assert.All(results!, r => Assert.True(r.Verified));
        var expected = new[] { _new.Certificate.Thumbprint, localCa.Certificate.Thumbprint }.Order(StringComparer.Ordinal);
        Assert.All(nodes, node => Assert.Equal(expected, StoreTrusted(node).Order(StringComparer.Ordinal)));
        Assert.All(nodes, node => Assert.False(File.Exists(Path.Combine(node, "remote-cluster-ca.crt"))));

        var again = (await Sync(served: _new).SyncAsync(Request(nodes), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;
        Assert.All(again!, r => Assert.Equal(TrustSyncAction.Unchanged, r.Action));
    }

    [Fact]
    public async Task InAPkcs12TruststoreTheOldCaStaysBesideTheNewOneWhileTheRemoteStillPresentsTheOldChain()
    {
        using var localCa = new Authority("CN=local-transport-ca");
        var nodes = new[] { NewStoreNode("store-1", localCa, _old) };

        var results = (await Sync(served: _old).SyncAsync(Request(nodes), new Yes(), new RecordingReporter(), CancellationToken.None))?.Nodes;

        Assert.Equal(TrustSyncAction.CaAdded, Assert.Single(results!).Action);
        var expected = new[] { _new.Certificate.Thumbprint, _old.Certificate.Thumbprint, localCa.Certificate.Thumbprint }.Order(StringComparer.Ordinal);
        Assert.Equal(expected, StoreTrusted(nodes[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ASupersededCaThatKeytoolStoredEncryptedIsNamedAndTheNewCaStays()
    {
        using var localCa = new Authority("CN=local-transport-ca");
        var node = NewStoreNode("store-1", localCa, _old, oldEncrypted: true);

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Sync(served: _new).SyncAsync(Request([node]), new Yes(), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.TruststoreEntryNotRemovable, error.ErrorId);
        Assert.Contains("keytool -delete", error.RecommendedAction, StringComparison.Ordinal);
        var expected = new[] { _new.Certificate.Thumbprint, _old.Certificate.Thumbprint, localCa.Certificate.Thumbprint }.Order(StringComparer.Ordinal);
        Assert.Equal(expected, StoreTrusted(node).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A node whose remote_cluster_client context trusts through remote.p12: the local CA as keytool would store it
    /// (encrypted), and the ECK CA as Add-RemoteClusterTrust adds it (or encrypted too, with <paramref name="oldEncrypted"/>).
    /// </summary>
    private string NewStoreNode(string name, Authority localCa, Authority eckCa, bool oldEncrypted = false)
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"),
            $"cluster.name: local\nnode.name: {name}\nxpack.security.remote_cluster_client.ssl.enabled: true\n" +
            "xpack.security.remote_cluster_client.ssl.truststore.path: remote.p12\nxpack.security.remote_cluster_client.ssl.truststore.password: st0re\n");
        var encrypted = new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(localCa.Certificate.RawData) };
        if (oldEncrypted)
        {
            encrypted.Add(X509CertificateLoader.LoadCertificate(eckCa.Certificate.RawData));
        }

        var store = encrypted.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, "st0re")!;
        if (!oldEncrypted)
        {
            store = Engine.NodeConfig.Pkcs12Truststore.AddTrustedCertificates(store, "st0re", [eckCa.Certificate], "remote-cluster-ca");
        }

        File.WriteAllBytes(Path.Combine(directory, "remote.p12"), store);
        return directory;
    }

    private static string[] StoreTrusted(string node) =>
        Engine.NodeConfig.Pkcs12Truststore.ReadCertificates(File.ReadAllBytes(Path.Combine(node, "remote.p12")), "st0re").Select(c => c.Thumbprint).ToArray();

    private TrustSync Sync(Authority served, IReadOnlyDictionary<string, Authority>? servedElsewhere = null) => new(new NodeConfigService(), _remotes, null!)
    {
        ReadEckCa = (_, _, _) => Task.FromResult(new EckCertificateAuthority("quickstart", "elastic", null, [_new.Certificate], _new.Pem, null)),
        ReadServedChain = (address, _, _) =>
        {
            var authority = servedElsewhere?.GetValueOrDefault(address) ?? served;
            return Task.FromResult(new ServedChain(authority.Leaf, [authority.Certificate], null));
        },
    };

    private TrustSyncRequest Request(string[]? nodes = null) => new(
        new ElasticsearchConnection(new NoClient(), "local", null, "9.1.0", "elastic", "realm", "Direct", ["https://local:9200"], null),
        Alias, new EckCluster("quickstart", "elastic", "9.1.0", "green", "Ready", 3, false, null, null, 1, 1, "1"),
        (nodes ?? _nodes).Select(n => new NodeDirectory(LocalNodeFiles.Instance, n)).ToList(), null, TimeSpan.FromSeconds(5));

    /// <summary>A node of the certificate model: its transport certificate issued by <paramref name="localCa"/>, the ECK CA in remote-transport-ca.crt.</summary>
    private string NewCertificateModelNode(string name, Authority localCa)
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"),
            $"cluster.name: local\nnode.name: {name}\nxpack.security.transport.ssl.certificate: node.crt\nxpack.security.transport.ssl.key: node.key\n" +
            "xpack.security.transport.ssl.certificate_authorities: [ \"local-ca.crt\", \"remote-transport-ca.crt\" ]\n");
        File.WriteAllText(Path.Combine(directory, "node.crt"), localCa.Leaf.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "local-ca.crt"), localCa.Pem);
        File.WriteAllText(Path.Combine(directory, "remote-transport-ca.crt"), _old.Pem);
        return directory;
    }

    private string NewNode(string name)
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"),
            $"cluster.name: local\nnode.name: {name}\nxpack.security.remote_cluster_client.ssl.enabled: true\n" +
            "xpack.security.remote_cluster_client.ssl.certificate_authorities: [ \"remote-cluster-ca.crt\" ]\n");
        File.WriteAllText(Path.Combine(directory, "remote-cluster-ca.crt"), _old.Pem);
        return directory;
    }

    private static string[] Trusted(string node, string file = "remote-cluster-ca.crt")
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(File.ReadAllText(Path.Combine(node, file)));
        return collection.Select(c => c.Thumbprint).ToArray();
    }

    private sealed class Yes : IChangeConfirmation
    {
        public Task<bool> ConfirmAsync(string target, string action) => Task.FromResult(true);
    }

    private sealed class No : IChangeConfirmation
    {
        public Task<bool> ConfirmAsync(string target, string action) => Task.FromResult(false);
    }

    /// <summary>A CA with its own key (as ECK makes one for a new-key rotation) and a leaf it issued.</summary>
    private sealed class Authority : IDisposable
    {
        public Authority(string subject)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
            using var leafKey = RSA.Create(2048);
            var leaf = new CertificateRequest("CN=quickstart-es-default-0", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
            Leaf = leaf.Create(Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300), RandomNumberGenerator.GetBytes(8));
        }

        public X509Certificate2 Certificate { get; }

        public X509Certificate2 Leaf { get; }

        public string Pem => Certificate.ExportCertificatePem() + "\n";

        public void Dispose()
        {
            Certificate.Dispose();
            Leaf.Dispose();
        }
    }

    /// <summary>The ECK side of the certificate model: records what it was asked to trust, and the nodes' file at that moment.</summary>
    private sealed class TrustingEck(Func<string> nodeFile) : IEckService
    {
        public List<string> Planned { get; } = [];

        public string? NodeFileWhenAdded { get; private set; }

        public Task<TransportTrustPlan> PlanTransportTrustAsync(EckCluster cluster, string caPem, IOperationReporter reporter, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<TransportTrustPlan> PlanTransportTrustFollowingAsync(EckCluster cluster, string caPem, string localCluster, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Assert.Equal("local", localCluster);
            Planned.Add(caPem);
            return Task.FromResult(new TransportTrustPlan(cluster, "remote-certs", FileChange.Updated, caPem, false, [], "Add the local CA to ca.crt of ConfigMap elastic/remote-certs"));
        }

        public Task<EckTransportTrust> AddTransportTrustAsync(TransportTrustPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            NodeFileWhenAdded = nodeFile();
            return Task.FromResult(new EckTransportTrust(plan.Cluster, plan.ConfigMapName, plan.ConfigMapChange, plan.PointSpecAtConfigMap, plan.RequestedFingerprints));
        }

        public Task<IReadOnlyList<EckCluster>> ListClustersAsync(KubernetesTarget target, string? namespaceName, bool allNamespaces, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EckCluster> GetClusterAsync(KubernetesTarget target, string? namespaceName, string name, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void EnsureRemoteClusterServerSupported(EckCluster cluster) => throw new NotSupportedException();

        public Task<EckCluster> SetRemoteClusterServerAsync(EckCluster cluster, bool enabled, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EckCluster> WaitForReadyAsync(EckCluster cluster, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<PublishPlan> PlanPublishAsync(EckCluster cluster, PublishRequest request, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EckRemoteClusterEndpoint> PublishAsync(PublishPlan plan, TimeSpan addressTimeout, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UnpublishPlan?> PlanUnpublishAsync(EckCluster cluster, EckInterface exposed, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UnpublishAsync(UnpublishPlan plan, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<EckRemoteClusterEndpoint>> GetEndpointsAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EckCertificateAuthority> GetTransportCaAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IReadOnlyList<string> ListContexts(string? kubeConfig) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListNamespacesAsync(KubernetesTarget target, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoClient : IElasticsearchClient
    {
        public string Description => "https://local:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, System.Text.Json.Nodes.JsonNode? jsonBody, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"unexpected {method} {path}");
    }

    /// <summary>The local cluster: 'eck' registered on the remote cluster server port; checks succeed until FailFromCheck.</summary>
    private sealed class ConnectingRemotes : IRemoteClusterService
    {
        public RemoteClusterSecurityModel SecurityModel { get; set; } = RemoteClusterSecurityModel.ApiKey;

        public int Checks { get; private set; }

        public int FailFromCheck { get; set; } = int.MaxValue;

        /// <summary>Other aliases registered on the same local cluster (an estate).</summary>
        public List<(string Alias, string Address)> Others { get; } = [];

        public Task<IReadOnlyList<RemoteCluster>> GetAsync(IElasticsearchClient client, string localCluster, CancellationToken cancellationToken)
        {
            IReadOnlyList<RemoteCluster> remotes =
                [new RemoteCluster(Alias, true, "proxy", "127.0.0.1:9443", "quickstart-es-remote-cluster.elastic.svc", [], true, 18, 18, SecurityModel, localCluster),
                 .. Others.Select(o => new RemoteCluster(o.Alias, true, "proxy", o.Address, null, [], true, 18, 18, SecurityModel, localCluster))];
            return Task.FromResult(remotes);
        }

        public Task<RemoteClusterTestResult> WaitConnectedAsync(
            IElasticsearchClient client, string alias, string localVersion, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Checks++;
            return Checks >= FailFromCheck
                ? throw new EckRemoteClusterException(ErrorIds.RemoteClusterNotConnected, EckErrorCategory.ConnectionError,
                    $"Remote cluster '{alias}' cannot connect (RemoteCaNotTrusted)", "fix it", alias)
                : Task.FromResult(new RemoteClusterTestResult(alias, true, "proxy", "127.0.0.1:9443", null, RemoteClusterSecurityModel.ApiKey, "9.1.0", null, null, null, []));
        }

        public Task<RemoteClusterTestResult> TestAsync(IElasticsearchClient client, string alias, string localVersion, RemoteClusterTestOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RoleChange> PlanRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, string localVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PutRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ClusterSettingsChange> PlanRegistrationAsync(IElasticsearchClient client, RemoteClusterRegistration registration, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ApplySettingsAsync(IElasticsearchClient client, ClusterSettingsChange change, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ClusterSettingsChange> PlanRemovalAsync(IElasticsearchClient client, string alias, CancellationToken cancellationToken) => throw new NotSupportedException();


        public Task<IReadOnlyList<(string NodeId, string NodeName, string? Failure)>> ReloadSecureSettingsAsync(
            IElasticsearchClient client, SecureString? keystorePassword, IReadOnlyList<string>? nodeNames, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>
/// Sync-RemoteClusterTrust. ECK publishes its transport CA in &lt;name&gt;-es-transport-certs-public (ca.crt: the
/// current CA, then any CAs from spec.transport.tls.certificateAuthorities) and, once it has rotated, only the new CA.
/// The nodes' CA file (the one Add-RemoteClusterTrust wrote and elasticsearch.yml references) gets the new CA next to
/// the old one first; Elasticsearch re-reads a referenced CA file when it changes (SSLConfigurationReloader), so no
/// restart is involved. The old CA is removed only once the remote's address presents a chain that the current CAs
/// alone trust and a fresh check through the alias succeeds; a failed check after the removal puts the old CA back.
/// Files are written through the trust batch: every node or none, locked, atomically, with owner and mode kept.
/// A node that trusts through a PKCS#12 store (truststore.path, or a keystore.path that is also the context's trust, as
/// Elasticsearch's auto-configured transport.p12) is kept in step the same way inside the store: the new CA is added as
/// a trusted entry (as Add-RemoteClusterTrust does) and the superseded one removed from it; every other entry stays.
/// Elasticsearch re-reads a store it uses when the file changes, as it does a PEM file.
/// </summary>
internal sealed class TrustSync(INodeConfigService nodeConfig, IRemoteClusterService remotes, IEckService eck) : ITrustSync
{
    /// <summary>For tests: how the chain the remote presents is read.</summary>
    internal Func<string, string?, CancellationToken, Task<ServedChain>> ReadServedChain { get; init; } =
        (address, serverName, token) => ServedChain.ReadAsync(address, serverName, TimeSpan.FromSeconds(10), token);

    /// <summary>For tests: how the ECK cluster's current transport CA is read (the public transport certs secret).</summary>
    internal Func<EckCluster, IOperationReporter, CancellationToken, Task<EckCertificateAuthority>> ReadEckCa { get; init; } =
        (cluster, reporter, token) => eck.GetTransportCaAsync(cluster, reporter, token);

    internal Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    public async Task<TrustSyncOutcome?> SyncAsync(
        TrustSyncRequest request, IChangeConfirmation confirmation, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var local = request.Local;
        var remoteClusters = await remotes.GetAsync(local.Client, local.ClusterName, cancellationToken).ConfigureAwait(false);
        var registered = remoteClusters.FirstOrDefault(r => r.Alias == request.Alias)
            ?? throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterNotFound,
                EckErrorCategory.ObjectNotFound,
                $"No remote cluster '{request.Alias}' is registered on '{local.ClusterName}'. Nothing was changed.",
                "Check the alias with Get-RemoteCluster; connect it first with Connect-RemoteCluster.",
                request.Alias);
        EckTransportTrust? eckTrust = null;
        if (registered.SecurityModel == RemoteClusterSecurityModel.Certificate)
        {
            // Certificate model: the ECK cluster must trust the local transport CA too. Adding is always safe, and
            // comes first: a local CA rotated since the last run is trusted before the nodes' new certificates meet ECK.
            var (declined, trust) = await SyncEckSideAsync(request, confirmation, reporter, cancellationToken).ConfigureAwait(false);
            if (declined)
            {
                return null;
            }

            eckTrust = trust;
        }

        var others = remoteClusters.Where(r => r.Alias != request.Alias).ToList();
        var nodes = await SyncNodesAsync(request, registered, others, confirmation, reporter, cancellationToken).ConfigureAwait(false);
        return nodes is null && eckTrust is null ? null : new TrustSyncOutcome(nodes ?? [], eckTrust);
    }

    /// <summary>
    /// The CAs the local nodes' transport certificates chain to, added to the ECK cluster's ConfigMap of extra transport
    /// CAs by Add-EckTransportTrust's writer (other CAs kept). The ConfigMap records which CAs were synced for this local
    /// cluster; one recorded earlier that no node's certificate chains to any more (the local CA rotated, every node
    /// switched) is removed. Null trust when nothing was to change.
    /// </summary>
    private async Task<(bool Declined, EckTransportTrust? Trust)> SyncEckSideAsync(
        TrustSyncRequest request, IChangeConfirmation confirmation, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var localCas = request.Nodes.SelectMany(node => nodeConfig.ReadTransportCa(node, request.KeystorePassword).Certificates)
            .DistinctBy(c => c.Thumbprint).ToList();
        var pem = string.Concat(localCas.Select(c => c.ExportCertificatePem() + "\n"));
        var plan = await eck.PlanTransportTrustFollowingAsync(request.Cluster, pem, request.Local.ClusterName, reporter, cancellationToken).ConfigureAwait(false);
        if (plan.ChangesNothing)
        {
            reporter.Verbose(plan.Description);
            return (false, null);
        }

        if (!await confirmation.ConfirmAsync($"Elasticsearch {request.Cluster}", plan.Description).ConfigureAwait(false))
        {
            return (true, null);
        }

        return (false, await eck.AddTransportTrustAsync(plan, reporter, cancellationToken).ConfigureAwait(false));
    }

    private async Task<IReadOnlyList<RemoteClusterTrustSync>?> SyncNodesAsync(
        TrustSyncRequest request, RemoteCluster registered, IReadOnlyList<RemoteCluster> otherRemotes, IChangeConfirmation confirmation,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var local = request.Local;
        var scope = registered.SecurityModel == RemoteClusterSecurityModel.Certificate ? TrustScope.Transport : TrustScope.RemoteClusterClient;
        var fileName = scope == TrustScope.Transport ? RemoteClusterNames.TransportCaFile : RemoteClusterNames.RemoteClusterCaFile;
        var address = registered.ProxyAddress ?? registered.Seeds.FirstOrDefault();

        var ca = await ReadEckCa(request.Cluster, reporter, cancellationToken).ConfigureAwait(false);
        var current = ca.Certificates.DistinctBy(c => c.Thumbprint).ToList();
        var before = request.Nodes.Select(node => ReadCaFile(node, fileName, scope, request.KeystorePassword)).ToList();
        var now = UtcNow();
        var notCurrent = before.SelectMany(f => f.Certificates).Where(c => !current.Any(k => k.Thumbprint == c.Thumbprint)).DistinctBy(c => c.Thumbprint).ToList();
        // One CA file may serve several remotes (an estate links one local cluster to many ECK clusters). ECK names a
        // cluster's transport CA after the cluster (CN=<name>-transport, OU=<name>; cloud-on-k8s
        // pkg/controller/common/certificates/ca.go) and keeps that subject when it renews or replaces the CA, so only a
        // CA with the subject of this cluster's current CA can be the one it superseded. Every other CA belongs to
        // another remote and is written back untouched, as is one that anchors the chain another alias's remote presents
        // (two ECK clusters of the same name in different namespaces share a subject).
        var superseded = await NotAnchoringOtherRemotesAsync(
            notCurrent.Where(c => current.Any(k => k.SubjectName.Name == c.SubjectName.Name)).ToList(), otherRemotes, cancellationToken).ConfigureAwait(false);
        var others = notCurrent.Where(c => !superseded.Contains(c)).ToList();
        // An expired superseded CA trusts nothing any more: it goes with the first write, without waiting for proof.
        var kept = superseded.Where(c => c.NotAfter > now).ToList();
        var nodes = request.Nodes.Select((node, i) => new NodeSync(node, before[i].Path, before[i].Certificates, before[i].Store)).ToList();
        var targets = string.Join(", ", request.Nodes);

        var needsAdding = before.Any(f => current.Any(c => f.Certificates.All(k => k.Thumbprint != c.Thumbprint)));
        var expiredInFiles = superseded.Count > kept.Count;
        var verified = false;
        var reason = string.Empty;
        if (needsAdding || expiredInFiles)
        {
            var action = needsAdding
                ? $"Trust the ECK cluster's current transport CA ({Describe(current)}) for '{request.Alias}', keeping {(kept.Count == 0 ? "no superseded CA" : Describe(kept))} until the remote is verified with the new one"
                : $"Remove the expired CA(s) {Describe(superseded.Except(kept))} from {fileName}";
            if (!await confirmation.ConfirmAsync(targets, action).ConfigureAwait(false))
            {
                return null;
            }

            Write(request, [.. current, .. kept], others, scope, fileName, nodes, needsAdding ? "Add the rotated ECK transport CA" : "Remove expired CAs");
        }

        if (kept.Count == 0)
        {
            verified = await ConnectedAsync(request, reporter, cancellationToken).ConfigureAwait(false);
            reason = needsAdding ? "The file trusts the ECK cluster's current CA." : "The file already trusts exactly the ECK cluster's current CA.";
            return Results(request.Alias, nodes, [.. current, .. others], verified, reason);
        }

        // The old CA goes only when the remote presents a chain that the current CAs alone trust, seen from here, and
        // the nodes are connected: until then it is what may still be trusting the certificates the remote presents.
        var served = address is null ? new ServedChain(null, [], "the alias has no address") : await ReadServedChain(address, registered.ServerName, cancellationToken).ConfigureAwait(false);
        if (!served.ChainsTo(current))
        {
            verified = await ConnectedAsync(request, reporter, cancellationToken).ConfigureAwait(false);
            reason = served.Failure is { } failure
                ? $"Kept {Describe(kept)}: the certificate the remote presents could not be read from this machine ({failure}); run this again to remove it."
                : $"Kept {Describe(kept)}: the remote at {address} still presents a certificate ({served.Leaf!.Subject}, issued by {served.Leaf.Issuer}) that the current CA alone does not trust; run this again once ECK has rolled out the new certificates.";
            reporter.Verbose(reason);
            return Results(request.Alias, nodes, [.. current, .. others], verified, reason);
        }

        if (!await ConnectedAsync(request, reporter, cancellationToken).ConfigureAwait(false))
        {
            reason = $"Kept {Describe(kept)}: '{request.Alias}' is not connected now, so removing a CA cannot be verified; run Test-RemoteCluster -Alias {request.Alias}.";
            reporter.Warning(reason);
            return Results(request.Alias, nodes, [.. current, .. others], false, reason);
        }

        if (!await confirmation.ConfirmAsync(targets,
                $"Remove the superseded CA(s) {Describe(kept)} from {fileName}: the remote presents a chain the current CA alone trusts").ConfigureAwait(false))
        {
            return nodes.Any(n => n.Changed) ? Results(request.Alias, nodes, [.. current, .. others], true, $"Kept {Describe(kept)}: its removal was not confirmed.") : null;
        }

        Write(request, current, others, scope, fileName, nodes, "Remove the superseded ECK transport CA");
        try
        {
            await remotes.WaitConnectedAsync(local.Client, request.Alias, local.Version, request.VerifyTimeout, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException e)
        {
            Write(request, [.. current, .. kept], others, scope, fileName, nodes, "Put back the superseded ECK transport CA");
            throw new EckRemoteClusterException(
                ErrorIds.TrustSyncNotVerified,
                EckErrorCategory.ConnectionError,
                $"'{request.Alias}' did not connect after {Describe(kept)} was removed from {fileName} ({e.Message}); the CA was put back on every node.",
                $"Run Test-RemoteCluster -Alias {request.Alias} for the cause, then Sync-RemoteClusterTrust again.",
                request.Alias,
                e);
        }

        return Results(request.Alias, nodes, [.. current, .. others], true, $"Removed {Describe(kept)}: the remote presents a chain the current CA alone trusts, and '{request.Alias}' is connected.");
    }

    /// <summary>The candidates that anchor no chain another registered alias's remote presents, seen from here.</summary>
    private async Task<List<X509Certificate2>> NotAnchoringOtherRemotesAsync(
        List<X509Certificate2> candidates, IReadOnlyList<RemoteCluster> otherRemotes, CancellationToken cancellationToken)
    {
        foreach (var other in otherRemotes)
        {
            if (candidates.Count == 0)
            {
                break;
            }

            if ((other.ProxyAddress ?? other.Seeds.FirstOrDefault()) is not { } address)
            {
                continue;
            }

            var served = await ReadServedChain(address, other.ServerName, cancellationToken).ConfigureAwait(false);
            candidates.RemoveAll(candidate => served.ChainsTo([candidate]));
        }

        return candidates;
    }

    /// <summary>
    /// Makes every node trust <paramref name="wanted"/> and <paramref name="others"/> and nothing else it trusted before
    /// (all nodes or none), and records what changed per node. A CA file becomes exactly that list. A PKCS#12 store gets
    /// the wanted CAs it lacks and loses the entries that are in neither list; CAs of other remotes that only other nodes'
    /// stores hold are not spread to it. Nodes mixing files and stores all get the full list.
    /// </summary>
    private void Write(
        TrustSyncRequest request, IReadOnlyList<X509Certificate2> wanted, IReadOnlyList<X509Certificate2> others, TrustScope scope, string fileName, List<NodeSync> nodes, string operation)
    {
        IReadOnlyList<X509Certificate2> trusted = [.. wanted, .. others];
        var keep = trusted.Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var remove = nodes.Where(n => n.Store).SelectMany(n => n.Trusted).Select(c => c.Thumbprint).Where(t => !keep.Contains(t)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var added = nodes.All(n => n.Store) ? wanted : trusted;
        var pem = string.Concat(added.Select(c => c.ExportCertificatePem() + "\n"));
        using var batch = nodeConfig.PlanTrust(request.Nodes, pem, scope, request.KeystorePassword, remove);
        var notReferenced = batch.Plan
            .Where((plan, i) => plan.ChangedSettings.Count > 0 || !plan.CaFile.EndsWith(FileName(nodes[i].CaPath), StringComparison.Ordinal)).ToList();
        if (notReferenced.Count > 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TrustSyncNotConfigured,
                EckErrorCategory.InvalidOperation,
                $"{string.Join(", ", notReferenced.Select(p => p.ConfigPath))}: elasticsearch.yml does not trust the remote through {fileName} (or the PKCS#12 store it reads), so replacing that file would not reach the node. Nothing was changed.",
                "Set up the trust once with Get-EckTransportCa | Add-RemoteClusterTrust and restart the nodes it reports; Sync-RemoteClusterTrust then keeps that file current.",
                notReferenced[0].ConfigPath);
        }

        var saved = batch.Save(operation);
        foreach (var node in nodes)
        {
            node.Trusted = node.Store
                ? [.. node.Trusted.Where(c => keep.Contains(c.Thumbprint)), .. added.Where(c => node.Trusted.All(k => k.Thumbprint != c.Thumbprint))]
                : [.. trusted];
            node.Backups.AddRange(saved.Where(s => s.Node == node.Directory).SelectMany(s => s.BackupPaths));
        }
    }

    /// <summary>The last segment of a path on either separator (a node reached through a session may be Windows).</summary>
    private static string FileName(string path) => path[(path.LastIndexOfAny(['/', '\\']) + 1)..];

    private async Task<bool> ConnectedAsync(TrustSyncRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            await remotes.WaitConnectedAsync(request.Local.Client, request.Alias, request.Local.Version, request.VerifyTimeout, reporter, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EckRemoteClusterException e)
        {
            reporter.Warning(e.Message);
            return false;
        }
    }

    private static IReadOnlyList<RemoteClusterTrustSync> Results(
        string alias, List<NodeSync> nodes, IReadOnlyList<X509Certificate2> notSuperseded, bool verified, string reason) =>
        nodes.Select(node =>
        {
            var original = node.Original.Select(c => c.Thumbprint).ToHashSet(StringComparer.Ordinal);
            var added = node.Trusted.Where(c => !original.Contains(c.Thumbprint)).Select(Describe).ToList();
            var removed = node.Original.Where(c => node.Trusted.All(k => k.Thumbprint != c.Thumbprint)).Select(Describe).ToList();
            var kept = node.Trusted.Where(c => notSuperseded.All(k => k.Thumbprint != c.Thumbprint)).Select(Describe).ToList();
            var action = (added.Count > 0, removed.Count > 0, kept.Count > 0) switch
            {
                (true, true, _) => TrustSyncAction.CaAddedOldCaRemoved,
                (true, false, _) => TrustSyncAction.CaAdded,
                (false, true, _) => TrustSyncAction.OldCaRemoved,
                (false, false, true) => TrustSyncAction.OldCaKept,
                _ => TrustSyncAction.Unchanged,
            };
            return new RemoteClusterTrustSync(node.Directory.ConfigPath, alias, node.CaPath, action, added, removed, kept, verified, reason, node.Backups)
            {
                Node = node.Directory,
            };
        }).ToList();

    private static string Path(NodeDirectory node, string fileName) => node.Files.Combine(node.ConfigPath, fileName);

    /// <summary>
    /// What the node trusts for the scope where the module keeps the remote's CA: the trusted entries of its PKCS#12
    /// store when the context reads one, otherwise the CA file Add-RemoteClusterTrust wrote (TrustSyncNotConfigured
    /// when there is none).
    /// </summary>
    private static CaFile ReadCaFile(NodeDirectory node, string fileName, TrustScope scope, System.Security.SecureString? keystorePassword)
    {
        var ymlPath = node.Files.Combine(node.ConfigPath, NodeConfigService.ElasticsearchYml);
        if (node.Files.GetInfo(ymlPath) is not null)
        {
            var settings = ElasticsearchYmlReader.Read(YmlFileText.Decode(node.Files.ReadAllBytes(ymlPath)).Text, ymlPath);
            var prefix = scope == TrustScope.Transport ? RemoteClusterNames.TransportSsl : NodeTrustedCas.ClientContext;
            if (TransportTruststore.StoreFor(node.Files, settings, prefix, node.ConfigPath) is { } store)
            {
                var password = TransportTruststore.Password(node.Files, node.ConfigPath, settings, store.PasswordSetting, keystorePassword);
                return new CaFile(store.Path, [.. TransportTruststore.Read(node.Files, store.Path, password).Where(c => !c.HasPrivateKey)], Store: true);
            }
        }

        var path = Path(node, fileName);
        if (node.Files.GetInfo(path) is null)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TrustSyncNotConfigured,
                EckErrorCategory.ObjectNotFound,
                $"{node}: there is no {fileName}, the CA file Add-RemoteClusterTrust writes, so there is nothing to keep in step. Nothing was changed.",
                "Set up the trust once with Get-EckTransportCa | Add-RemoteClusterTrust and restart the nodes it reports; Sync-RemoteClusterTrust then keeps that file current.",
                path);
        }

        var collection = new X509Certificate2Collection();
        var text = Encoding.ASCII.GetString(node.Files.ReadAllBytes(path));
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            collection.ImportFromPem(text);
        }

        return new CaFile(path, [.. collection], Store: false);
    }

    private static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} ({certificate.GetCertHashString(HashAlgorithmName.SHA256)[..16]}…, until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd})";

    private static string Describe(IEnumerable<X509Certificate2> certificates) => string.Join("; ", certificates.Select(Describe));

    private sealed record CaFile(string Path, IReadOnlyList<X509Certificate2> Certificates, bool Store);

    /// <summary>One node's file as it was (Original), as it is now (Trusted), and the backups this run's writes left.</summary>
    private sealed class NodeSync(NodeDirectory directory, string caPath, IReadOnlyList<X509Certificate2> original, bool store)
    {
        /// <summary>The node trusts through a PKCS#12 store (CaPath), not a PEM file.</summary>
        public bool Store { get; } = store;

        public NodeDirectory Directory { get; } = directory;

        public string CaPath { get; } = caPath;

        public IReadOnlyList<X509Certificate2> Original { get; } = original;

        public List<X509Certificate2> Trusted { get; set; } = [.. original];

        public List<string> Backups { get; } = [];

        public bool Changed => Trusted.Count != Original.Count || Trusted.Any(c => Original.All(k => k.Thumbprint != c.Thumbprint));
    }
}

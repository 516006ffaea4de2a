using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Diagnosis;
using EckRemoteCluster.Engine.LocalNodes;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>
/// Gathers the day-2 evidence about remote cluster connections from what already diagnoses them (the fresh check and
/// diagnosis of <see cref="IRemoteClusterService.TestAsync"/>, the keystores' key ids, the key on the remote, the TLS
/// handshake) plus the nodes' CA files and ECK's transport CA, and hands it to <see cref="RemoteClusterHealthEvaluator"/>.
/// Evidence that cannot be read (a node, the remote, ECK) becomes a finding: a health check reports, it does not fail.
/// </summary>
internal sealed class RemoteClusterHealthService(IRemoteClusterService remoteClusters, IEckService eck, INodeConfigService nodeConfig) : IRemoteClusterHealthService
{
    private const string WatchActivity = "Watching remote clusters";

    /// <summary>How long the handshake that reads the served chain may take.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The clock the days are counted from (tests set it).</summary>
    internal Func<DateTime> Clock { get; init; } = () => DateTime.UtcNow;

    public void Validate(HealthThresholds thresholds)
    {
        if (thresholds.WarningDays < 0 || thresholds.ErrorDays < 0 || thresholds.ErrorDays > thresholds.WarningDays)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidHealthThreshold,
                EckErrorCategory.InvalidArgument,
                $"-WarningDays {thresholds.WarningDays} and -ErrorDays {thresholds.ErrorDays} are not thresholds: both must be 0 or more, and -ErrorDays at most -WarningDays. Nothing was checked.",
                "Give -ErrorDays at most -WarningDays, for example -WarningDays 30 -ErrorDays 7.",
                thresholds);
        }
    }

    public async Task<IReadOnlyList<RemoteClusterHealth>> CheckAsync(
        RemoteClusterHealthRequest request, IReadOnlyList<string> aliases, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        Validate(request.Thresholds);
        const string activity = "Checking remote cluster health";
        var (eckCa, eckFailure) = await ReadEckCaAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        var results = new List<RemoteClusterHealth>();
        try
        {
            for (var i = 0; i < aliases.Count; i++)
            {
                reporter.Progress(activity, aliases[i], 100 * i / aliases.Count);
                var evidence = await GatherAsync(request, aliases[i], eckCa, eckFailure, reporter, cancellationToken).ConfigureAwait(false);
                results.Add(RemoteClusterHealthEvaluator.Evaluate(evidence, request.Thresholds));
            }
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }

        return results;
    }

    public async Task WatchAsync(
        RemoteClusterHealthRequest request,
        IReadOnlyList<string>? aliases,
        TimeSpan interval,
        Func<RemoteClusterHealthChange, Task> onChange,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        Validate(request.Thresholds);
        var previous = new Dictionary<string, RemoteClusterHealth>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                var round = aliases ?? await FollowedAliasesAsync(request, previous.Keys, reporter, cancellationToken).ConfigureAwait(false);
                foreach (var health in await CheckAsync(request, round, reporter, cancellationToken).ConfigureAwait(false))
                {
                    var before = previous.GetValueOrDefault(health.Alias);
                    var changes = RemoteClusterHealthEvaluator.Changes(before, health);
                    previous[health.Alias] = health;
                    if (changes.Length > 0)
                    {
                        await onChange(new RemoteClusterHealthChange(health.Alias, health.CheckedAt, before?.Connected, before?.Status, changes, health)).ConfigureAwait(false);
                    }
                }

                await WaitAsync(interval, previous.Values, reporter, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reporter.CompleteProgress(WatchActivity);
        }
    }

    /// <summary>The registered remotes and any seen before (a remote that disappears is reported as such); the ones seen before when the local cluster does not answer.</summary>
    private async Task<IReadOnlyList<string>> FollowedAliasesAsync(
        RemoteClusterHealthRequest request, IEnumerable<string> seen, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            var registered = await remoteClusters.GetAsync(request.Local, string.Empty, cancellationToken).ConfigureAwait(false);
            return [.. registered.Select(r => r.Alias).Union(seen, StringComparer.Ordinal)];
        }
        catch (EckRemoteClusterException ex) when (seen.Any())
        {
            reporter.Verbose($"The local cluster did not list its remotes ({ex.Message}); checking the ones seen before.");
            return [.. seen];
        }
    }

    /// <summary>Waits for the next round on the token (Ctrl+C ends it at once), showing when the next check comes.</summary>
    private static async Task WaitAsync(TimeSpan interval, IEnumerable<RemoteClusterHealth> current, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var summary = string.Join(", ", current.Select(h => $"{h.Alias} {h.Status}"));
        var until = DateTime.UtcNow + interval;
        for (var left = until - DateTime.UtcNow; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
        {
            reporter.Progress(WatchActivity, $"{(summary.Length == 0 ? "no remote clusters" : summary)}; next check in {Math.Ceiling(left.TotalSeconds):0} s",
                (int)(100 * (1 - (left / interval))));
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(IReadOnlyList<CaCertificate>? Ca, string? Failure)> ReadEckCaAsync(
        RemoteClusterHealthRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (request.Eck is not { } cluster)
        {
            return (null, null);
        }

        try
        {
            var ca = await eck.GetTransportCaAsync(cluster, reporter, cancellationToken).ConfigureAwait(false);
            return (ca.Certificates.Select(c => CaCertificate.From(c, $"ECK's transport CA of {cluster}")).ToList(), null);
        }
        catch (EckRemoteClusterException ex)
        {
            return (null, $"ECK's transport CA of {cluster} could not be read: {ex.Message}");
        }
    }

    private async Task<RemoteClusterHealthEvidence> GatherAsync(
        RemoteClusterHealthRequest request, string alias, IReadOnlyList<CaCertificate>? eckCa, string? eckFailure,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var nodes = request.Nodes is { Count: > 0 } given ? given : null;
        string? nodesFailure = null;
        IReadOnlyList<NodeCredentialEvidence>? keystores = null;
        if (nodes is not null)
        {
            try
            {
                keystores = ReadCredentials(nodes, alias, request.KeystorePassword, reporter);
            }
            catch (EckRemoteClusterException ex)
            {
                nodesFailure = ex.Message;
            }
        }

        RemoteClusterTestResult? test = null;
        (string, string)? testFailure = null;
        try
        {
            // Node logs and the handshake's CA files are read through each node's files: local paths or its session.
            var checks = (keystores ?? []).Select((k, i) => new NodeCredentialCheck(nodes![i].ConfigPath, k.Present, k.Present && k.KeyId == keystores!.First(p => p.Present).KeyId, k.KeyId)).ToList();
            test = await remoteClusters.TestAsync(request.Local, alias, request.LocalVersion, new RemoteClusterTestOptions(checks, nodes, request.Remote), cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException ex)
        {
            testFailure = (ex.Message, ex.RecommendedAction);
        }

        var apiKeyModel = test?.SecurityModel == RemoteClusterSecurityModel.ApiKey || keystores?.Any(k => k.Present) == true;
        IReadOnlyList<NodeCaEvidence>? nodeCas = null;
        IReadOnlyList<X509Certificate2> nodeCaCertificates = [];
        if (nodes is not null && nodesFailure is null)
        {
            try
            {
                (nodeCas, nodeCaCertificates) = ReadNodeCas(nodes, apiKeyModel || test?.SecurityModel != RemoteClusterSecurityModel.Certificate, request.KeystorePassword);
            }
            catch (EckRemoteClusterException ex)
            {
                nodesFailure = ex.Message;
            }
        }

        var keyId = keystores?.Where(k => k.Present && k.KeyId is not null).GroupBy(k => k.KeyId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        RemoteKeyEvidence? remoteKey = null;
        if (request.Remote is { } remote && keyId is not null)
        {
            try
            {
                remoteKey = await RemoteClusterService.RemoteKeyAsync(remote, keyId, cancellationToken).ConfigureAwait(false);
            }
            catch (EckRemoteClusterException ex)
            {
                remoteKey = new RemoteKeyEvidence(keyId, RemoteKeyState.Unreadable, $"could not be read on the remote cluster: {ex.Message}");
            }
        }

        var served = test is { Mode: "proxy", Address: { Length: > 0 } address } ? await ServedChainAsync(address, test.ServerName, cancellationToken).ConfigureAwait(false) : null;
        return new RemoteClusterHealthEvidence
        {
            Alias = alias,
            Now = Clock(),
            Test = test,
            TestFailure = testFailure,
            Keystores = keystores,
            NodeCas = nodeCas,
            NodesFailure = nodesFailure,
            RemoteKey = remoteKey,
            Served = served?.Cas,
            ServedAnchors = served is null ? null : Anchors(served.Value.Chain, nodeCaCertificates),
            EckCa = eckCa,
            EckFailure = eckFailure,
            EckName = request.Eck?.ToString(),
        };
    }

    private IReadOnlyList<NodeCredentialEvidence> ReadCredentials(IReadOnlyList<NodeDirectory> nodes, string alias, System.Security.SecureString? password, IOperationReporter reporter)
    {
        using var keystores = nodeConfig.OpenKeystores(nodes, password);
        foreach (var line in keystores.Recovered)
        {
            reporter.Warning(line);
        }

        var setting = RemoteClusterNames.CredentialsSetting(alias);
        var ids = keystores.ApiKeyIds(setting);
        var present = keystores.CompareEntry(setting);
        return [.. nodes.Select((node, i) => new NodeCredentialEvidence(node.ToString(), present[i].Present, ids[i].KeyId))];
    }

    /// <summary>The nodes' CA evidence, and every CA certificate read (for <see cref="Anchors"/>).</summary>
    private static (IReadOnlyList<NodeCaEvidence>, IReadOnlyList<X509Certificate2>) ReadNodeCas(IReadOnlyList<NodeDirectory> nodes, bool apiKeyModel, System.Security.SecureString? keystorePassword)
    {
        var certificates = new List<X509Certificate2>();
        var (context, mode, moduleFile) = apiKeyModel
            ? (NodeTrustedCas.ClientContext, "full", RemoteClusterNames.RemoteClusterCaFile)
            : (RemoteClusterNames.TransportSsl, "certificate", RemoteClusterNames.TransportCaFile);
        IReadOnlyList<NodeCaEvidence> evidence = [.. nodes.Select(node =>
        {
            var read = NodeTrustedCas.Read(node, context, mode);
            certificates.AddRange(read.Files.SelectMany(f => f.Certificates));
            if (read.Files.Count == 0 && NodeTrustedCas.ReadStore(node, context, keystorePassword) is { } store)
            {
                // A PKCS#12 store (truststore.path, or a keystore.path that is also the trust): its trusted entries.
                certificates.AddRange(store.Certificates);
                var inStore = store.Certificates.Select(c => CaCertificate.From(c, $"{node.Files.Location}{(node.Files.Location.Length == 0 ? "" : ":")}{store.Path}")).ToList();
                return new NodeCaEvidence(node.ToString(), inStore, null);
            }

            if (read.UsesTruststore && read.Files.Count == 0)
            {
                return new NodeCaEvidence(node.ToString(), null, null);
            }

            var trusted = read.Files.SelectMany(f => f.Certificates.Select(c => CaCertificate.From(c, $"{node.Files.Location}{(node.Files.Location.Length == 0 ? "" : ":")}{f.Path}"))).ToList();
            var module = read.Files.Where(f => f.Path.EndsWith(moduleFile, StringComparison.Ordinal))
                .Select(f => (IReadOnlyList<CaCertificate>)f.Certificates.Select(c => CaCertificate.From(c, f.Path)).ToList()).FirstOrDefault();
            return new NodeCaEvidence(node.ToString(), trusted, module);
        })];
        return (evidence, certificates);
    }

    /// <summary>
    /// The SHA-256 fingerprints of the nodes' CAs that the served chain leads to (a chain built from the remote's
    /// certificate, with the rest of what it served as intermediates, ends at that CA; validity dates are ignored so an
    /// expired anchor still counts). Empty when the chain is empty or no node CA anchors it.
    /// </summary>
    internal static IReadOnlyList<string> Anchors(IReadOnlyList<X509Certificate2> served, IReadOnlyList<X509Certificate2> nodeCas)
    {
        if (served.Count == 0)
        {
            return [];
        }

        var anchors = new List<string>();
        foreach (var ca in nodeCas.DistinctBy(c => c.Thumbprint))
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.ExtraStore.AddRange(served.Skip(1).ToArray());
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid | X509VerificationFlags.IgnoreWrongUsage;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            if (chain.Build(served[0]) && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint)
            {
                anchors.Add(ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
            }
        }

        return anchors;
    }

    /// <summary>The CA certificates in the chain the remote serves, from a handshake from this machine (the remote's own certificate is ECK's to renew).</summary>
    private static async Task<(IReadOnlyList<X509Certificate2> Chain, IReadOnlyList<CaCertificate> Cas)?> ServedChainAsync(string address, string? serverName, CancellationToken cancellationToken)
    {
        var handshake = await TlsProbe.ProbeAsync(address, serverName, null, "none", HandshakeTimeout, cancellationToken).ConfigureAwait(false);
        return handshake.Served.Count == 0 ? null
            : (handshake.Served, handshake.Served.Where(IsCa).Select(c => CaCertificate.From(c, $"the chain {address} serves")).ToList());
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
}

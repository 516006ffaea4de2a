using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// Reads what is in place for each link (nothing is written, nothing is locked longer than a read) and turns it into
/// plan rows through <see cref="EstatePlanner"/>. The reads are those the step cmdlets make before they change
/// anything: the ECK resource, PlanPublishAsync, the keystores, the nodes' trust, PlanRegistrationAsync, PlanRoleAsync.
/// </summary>
internal sealed class EstateObserver(IEngine engine)
{
    /// <summary>How long planning waits for the address of a Service that is already as wanted (a load balancer may still be assigning one).</summary>
    private static readonly TimeSpan AddressTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<EstateLinkPlan>> PlanAsync(
        EstateDocument document, IReadOnlyList<EstateLocalTarget> targets, int throttleLimit, IOperationReporter reporter, CancellationToken token)
    {
        var locals = targets.ToDictionary(t => t.Spec.Name, t => new LocalClusterState(t), StringComparer.Ordinal);
        var ecks = document.EckClusters.ToDictionary(e => e.Name, e => new EckClusterState(e, engine), StringComparer.Ordinal);
        foreach (var local in locals.Values)
        {
            await ReadLocalAsync(local, document, token).ConfigureAwait(false);
        }

        var now = DateTime.UtcNow;
        var plans = await Throttled.RunAsync(document.Links, throttleLimit, (link, t) =>
            ObserveLinkAsync(link, locals[link.Local], ecks[link.Eck], now, reporter, t), token).ConfigureAwait(false);
        reporter.CompleteProgress(EstateExecutor.Activity);

        var removals = locals.Values.Where(l => l.Target.Spec.Prune).SelectMany(local => local.Registered
            .Where(r => document.Links.All(l => l.Local != local.Name || l.Alias != r.Alias))
            .Select(r => new EstateLinkPlan(local.Target, r.Alias, null, null,
                Rows(local.Name, r.Alias, string.Empty, EstatePlanner.PlanRemoval(r.Alias, local.Credentials.TryGetValue(r.Alias, out var c) && c.State != ObservedCredential.Missing)),
                null)));
        return [.. plans, .. removals];
    }

    /// <summary>The registered aliases and, for each alias the file or the cluster names, what the keystores hold.</summary>
    private async Task ReadLocalAsync(LocalClusterState local, EstateDocument document, CancellationToken token)
    {
        local.Registered = await engine.RemoteClusters.GetAsync(local.Connection.Client, local.Connection.ClusterName, token).ConfigureAwait(false);
        var aliases = document.Links.Where(l => l.Local == local.Name).Select(l => l.Alias).Concat(local.Registered.Select(r => r.Alias)).Distinct(StringComparer.Ordinal).ToList();
        using var keystores = engine.NodeConfig.OpenKeystores(local.Directories, local.Target.KeystorePassword);
        foreach (var alias in aliases)
        {
            var setting = RemoteClusterNames.CredentialsSetting(alias);
            var compared = keystores.CompareEntry(setting);
            var ids = keystores.ApiKeyIds(setting);
            var state = compared.All(c => !c.Present) ? ObservedCredential.Missing
                : compared.All(c => c.Present && c.SameAsFirst) ? ObservedCredential.Same
                : ObservedCredential.Inconsistent;
            local.Credentials[alias] = (state, state == ObservedCredential.Same ? ids.FirstOrDefault().KeyId : null);
        }
    }

    private async Task<EstateLinkPlan> ObserveLinkAsync(EstateLink link, LocalClusterState local, EckClusterState eck, DateTime now, IOperationReporter reporter, CancellationToken token)
    {
        reporter.Progress(EstateExecutor.Activity, $"Reading what is in place for {local.Name}/{link.Alias}");
        var cluster = await eck.ClusterAsync(reporter, token).ConfigureAwait(false);
        var apiKey = link.SecurityModel == RemoteClusterSecurityModel.ApiKey;
        var exposed = apiKey ? EckInterface.RemoteClusterServer : EckInterface.Transport;
        var serverEnabled = cluster.RemoteClusterServerEnabled;

        // Publishing the remote cluster server is refused before the server is enabled: then it is simply to be created.
        var (publish, publishDetail, endpoint) = !apiKey || serverEnabled
            ? await ObservePublishAsync(cluster, eck.Spec, exposed, reporter, token).ConfigureAwait(false)
            : (ObservedState.Absent, (string?)null, (EckRemoteClusterEndpoint?)null);

        var scope = apiKey ? TrustScope.RemoteClusterClient : TrustScope.Transport;
        var caPem = await eck.CaPemAsync(reporter, token).ConfigureAwait(false);
        var trust = await local.WithNodesAsync(() => ObserveTrust(local, caPem, scope), token).ConfigureAwait(false);

        var eckTrust = apiKey ? ObservedState.AsWanted : await ObserveEckTrustAsync(local, cluster, reporter, token).ConfigureAwait(false);

        var (credential, keyId) = local.Credentials.GetValueOrDefault(link.Alias, (ObservedCredential.Missing, null));
        ObservedKey? key = apiKey && keyId is not null ? await ObserveKeyAsync(eck, keyId, reporter, token).ConfigureAwait(false) : null;

        var (registration, registrationDetail) = await ObserveRegistrationAsync(local, link, endpoint, token).ConfigureAwait(false);

        var roles = new Dictionary<string, RoleChange>(StringComparer.Ordinal);
        foreach (var role in link.Roles)
        {
            roles[role.Name] = await engine.RemoteClusters.PlanRoleAsync(local.Connection.Client, RoleRequest(link, role), local.Connection.Version, token).ConfigureAwait(false);
        }

        var observed = new ObservedLink(serverEnabled, publish, eckTrust, trust, credential, key, registration, roles, publishDetail, registrationDetail);
        return new EstateLinkPlan(local.Target, link.Alias, link, eck.Spec, Rows(local.Name, link.Alias, eck.Spec.Name, EstatePlanner.PlanLink(link, observed, now)), keyId);
    }

    internal static RemoteRoleRequest RoleRequest(EstateLink link, EstateRole role) =>
        new(role.Name, [link.Alias], [.. role.Indices], [.. role.Privileges], [.. role.RemoteClusterPrivileges]);

    internal static PublishRequest PublishRequest(EstateEckCluster eck, EckInterface exposed) => new(
        exposed,
        eck.ServiceType,
        exposed == EckInterface.RemoteClusterServer ? RemoteClusterNames.RemoteClusterServerPort : RemoteClusterNames.TransportPort,
        new Dictionary<string, string>(),
        []);

    private async Task<(ObservedState, string?, EckRemoteClusterEndpoint?)> ObservePublishAsync(
        EckCluster cluster, EstateEckCluster spec, EckInterface exposed, IOperationReporter reporter, CancellationToken token)
    {
        var plan = await engine.Eck.PlanPublishAsync(cluster, PublishRequest(spec, exposed), reporter, token).ConfigureAwait(false);
        if (plan.ChangesNothing)
        {
            // An unchanged plan writes nothing: publishing it only reads the Service's address, for either interface.
            try
            {
                var endpoint = await engine.Eck.PublishAsync(plan, AddressTimeout, reporter, token).ConfigureAwait(false);
                return (ObservedState.AsWanted, $"{endpoint.ServiceType} {endpoint.ProxyAddress}", endpoint);
            }
            catch (EckRemoteClusterException e) when (e.Category == EckErrorCategory.OperationTimeout)
            {
                return (ObservedState.Differs, $"{plan.Description} (no address yet: {e.Message})", null);
            }
        }

        var published = exposed == EckInterface.RemoteClusterServer
            && (await engine.Eck.GetEndpointsAsync(cluster, reporter, token).ConfigureAwait(false)).Count > 0;
        return (published ? ObservedState.Differs : ObservedState.Absent, plan.Description, null);
    }

    private ObservedState ObserveTrust(LocalClusterState local, string caPem, TrustScope scope)
    {
        var merged = TrustBundle.Merge(TrustBundle.ReadNodeFiles(local.Directories, scope), caPem);
        using var batch = engine.NodeConfig.PlanTrust(local.Directories, merged, scope, local.Target.KeystorePassword);
        var plan = batch.Plan;
        return plan.Any(p => p.ChangedSettings.Count > 0 || p.CaFileChange == FileChange.Created) ? ObservedState.Absent
            : plan.Any(p => p.CaFileChange != FileChange.Unchanged) ? ObservedState.Differs
            : ObservedState.AsWanted;
    }

    private async Task<ObservedState> ObserveEckTrustAsync(LocalClusterState local, EckCluster cluster, IOperationReporter reporter, CancellationToken token)
    {
        var localCa = await local.WithNodesAsync(() => engine.NodeConfig.ReadTransportCa(local.Directories[0], local.Target.KeystorePassword), token).ConfigureAwait(false);
        var plan = await engine.Eck.PlanTransportTrustAsync(cluster, localCa.Pem, reporter, token).ConfigureAwait(false);
        return plan.ChangesNothing ? ObservedState.AsWanted : plan.ConfigMapChange == FileChange.Created ? ObservedState.Absent : ObservedState.Differs;
    }

    private async Task<ObservedKey> ObserveKeyAsync(EckClusterState eck, string keyId, IOperationReporter reporter, CancellationToken token)
    {
        var remote = await eck.RemoteAsync(reporter, token).ConfigureAwait(false);
        try
        {
            var keys = await engine.CrossClusterApiKeys.GetAsync(remote, keyId, null, includeInvalidated: true, reporter, token).ConfigureAwait(false);
            return keys.FirstOrDefault(k => k.Id == keyId) is { } key
                ? new ObservedKey(key.Id, true, key.Invalidated, key.Search, key.Replication, key.Creation, key.Expiration)
                : new ObservedKey(keyId, false, false, [], [], null, null);
        }
        catch (EckRemoteClusterException e) when (e.ErrorId == ErrorIds.CrossClusterApiKeyNotFound)
        {
            return new ObservedKey(keyId, false, false, [], [], null, null);
        }
    }

    private async Task<(ObservedState, string?)> ObserveRegistrationAsync(LocalClusterState local, EstateLink link, EckRemoteClusterEndpoint? endpoint, CancellationToken token)
    {
        var registered = local.Registered.FirstOrDefault(r => r.Alias == link.Alias);
        if (endpoint is null)
        {
            // The address is known only once the interface is published; until then the registration is to be made (or moved).
            return registered is null ? (ObservedState.Absent, null) : (ObservedState.Differs, $"'{link.Alias}' is registered at {registered.ProxyAddress}; it moves to the newly published address");
        }

        var change = await engine.RemoteClusters.PlanRegistrationAsync(local.Connection.Client, Registration(link, endpoint), token).ConfigureAwait(false);
        return change.IsEmpty ? (ObservedState.AsWanted, $"{endpoint.ProxyAddress} ({endpoint.ServerName})")
            : (registered is null ? ObservedState.Absent : ObservedState.Differs, $"{endpoint.ProxyAddress} ({string.Join(", ", change.Keys)})");
    }

    internal static RemoteClusterRegistration Registration(EstateLink link, EckRemoteClusterEndpoint endpoint) =>
        new(link.Alias, endpoint.ProxyAddress, endpoint.ServerName, link.SkipUnavailable, null);

    private static IReadOnlyList<RemoteClusterEstateStep> Rows(string local, string alias, string eck, IReadOnlyList<PlannedStep> steps) =>
        steps.Select(s => new RemoteClusterEstateStep(local, alias, eck, s.Step, s.Action, s.Detail)).ToList();
}

/// <summary>Runs an async function over items with at most <c>limit</c> at a time and returns the results in input order.</summary>
internal static class Throttled
{
    public static async Task<IReadOnlyList<TResult>> RunAsync<T, TResult>(IReadOnlyList<T> items, int limit, Func<T, CancellationToken, Task<TResult>> work, CancellationToken token)
    {
        var results = new TResult[items.Count];
        await System.Threading.Tasks.Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, limit), CancellationToken = token },
            async (index, t) => results[index] = await work(items[index], t).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }
}

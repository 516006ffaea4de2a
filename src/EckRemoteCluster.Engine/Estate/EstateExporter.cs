using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// The estate of one local cluster as it is now, for Export-RemoteClusterEstate: every alias registered in its
/// cluster settings; the ECK cluster behind each, found through the kubeconfig (the current context first, then the
/// others) as the cluster whose published endpoint has the registered proxy address or server name; the access and
/// lifetime of the key the nodes' keystores hold; and the local roles whose remote privileges name only that alias.
/// </summary>
internal sealed class EstateExporter(IEngine engine)
{
    public async Task<EstateDocument> ExportAsync(EstateLocalTarget target, string? kubeConfig, IOperationReporter reporter, CancellationToken token)
    {
        var local = new LocalClusterState(target);
        var client = target.Connection.Client;
        local.Registered = await engine.RemoteClusters.GetAsync(client, target.Connection.ClusterName, token).ConfigureAwait(false);
        var keyIds = ReadKeyIds(local);
        var endpoints = await FindEndpointsAsync(kubeConfig, reporter, token).ConfigureAwait(false);
        var roles = await ReadRolesAsync(client, token).ConfigureAwait(false);
        var (persistent, _) = await RemoteClusters.RemoteClusterService.ReadFlatSettingsAsync(client, token).ConfigureAwait(false);

        var ecks = new List<EstateEckCluster>();
        var links = new List<EstateLink>();
        foreach (var remote in local.Registered.Where(r => r.Mode == "proxy"))
        {
            var match = endpoints.FirstOrDefault(e => e.Endpoint?.ProxyAddress == remote.ProxyAddress)
                ?? endpoints.FirstOrDefault(e => remote.ServerName is not null && e.Endpoint?.ServerName == remote.ServerName)
                // The transport interface (certificate model) is recognised by the server name its certificate carries; its
                // entry is the cluster's one without an endpoint, since a published remote cluster server's endpoint (and its
                // Service type) is another Service's.
                ?? endpoints.FirstOrDefault(e => e.Endpoint is null && remote.ServerName is not null && remote.ServerName == $"{e.Cluster.Name}-es-transport.{e.Cluster.Namespace}.svc");
            if (match is null)
            {
                reporter.Warning($"'{remote.Alias}' ({remote.ProxyAddress}) matches no published ECK cluster of the kubeconfig's contexts; it is left out of the estate.");
                continue;
            }

            var cluster = match.Cluster;
            var eck = ecks.FirstOrDefault(e => e.Context == cluster.Context && e.Namespace == cluster.Namespace && e.Cluster == cluster.Name);
            // The remote cluster server's Service type comes with its endpoint; the transport interface's (certificate
            // model) is the type whose publish plan changes nothing.
            var type = match.Endpoint is { } endpoint
                ? Enum.TryParse<EckServiceType>(endpoint.ServiceType, out var parsed) ? parsed : EckServiceType.LoadBalancer
                : await TransportServiceTypeAsync(cluster, reporter, token).ConfigureAwait(false);
            if (eck is null)
            {
                eck = new EstateEckCluster(UniqueName(ecks, cluster), kubeConfig, cluster.Context, cluster.Namespace, cluster.Name, type, new EstatePosition(0, 0));
                ecks.Add(eck);
            }
            else if (eck.ServiceType != type)
            {
                reporter.Warning($"'{remote.Alias}' reaches {cluster} through a {type} Service, its other links through {eck.ServiceType}; the file has one serviceType per ECK cluster, so Sync-RemoteClusterEstate plans a Publish update for one of them.");
            }

            var model = remote.SecurityModel;
            IReadOnlyList<string> search = [];
            IReadOnlyList<string> replication = [];
            TimeSpan? expiration = null;
            if (model == RemoteClusterSecurityModel.ApiKey && keyIds.GetValueOrDefault(remote.Alias) is { } keyId)
            {
                var connection = await engine.Elasticsearch.ConnectToEckAsync(cluster, reporter, token).ConfigureAwait(false);
                var key = (await engine.CrossClusterApiKeys.GetAsync(connection, keyId, null, true, reporter, token).ConfigureAwait(false)).FirstOrDefault(k => k.Id == keyId);
                if (key is not null)
                {
                    search = key.Search;
                    replication = key.Replication;
                    expiration = key.Expiration is { } e && key.Creation is { } c ? Round(e - c) : null;
                }
            }

            if (model == RemoteClusterSecurityModel.ApiKey && search.Count == 0 && replication.Count == 0)
            {
                // Without the key its access is unknown, and a link cannot be written without it.
                reporter.Warning($"'{remote.Alias}': the nodes hold no single readable cross-cluster key on {cluster}, so its access is unknown; it is left out of the estate. "
                    + "Write its key with New-CrossClusterApiKey | Add-RemoteClusterCredential, or add the link to the file by hand.");
                continue;
            }

            var skip = persistent.GetValueOrDefault($"cluster.remote.{remote.Alias}.skip_unavailable") is { } setting && bool.TryParse(setting, out var value) ? value : (bool?)null;
            var link = new EstateLink(remote.Alias, target.Spec.Name, eck.Name, model, search, replication, expiration, EstateReader.DefaultRotation(expiration),
                skip, [], new EstatePosition(0, 0));
            var linkRoles = new List<EstateRole>();
            foreach (var (_, role, beyond) in model == RemoteClusterSecurityModel.ApiKey ? roles.Where(r => r.Alias == remote.Alias) : [])
            {
                // Only a role the file describes exactly: nothing beyond what Set-RemoteClusterRole writes, and a plan from
                // the file that changes nothing. Sync would otherwise own (and on its next change rewrite) the rest too.
                if (beyond is null
                    && await engine.RemoteClusters.PlanRoleAsync(client, EstateObserver.RoleRequest(link, role), target.Connection.Version, token).ConfigureAwait(false) == RoleChange.Unchanged)
                {
                    linkRoles.Add(role);
                }
                else
                {
                    reporter.Warning($"Role '{role.Name}' reaches '{remote.Alias}' but grants more than an estate role describes ({beyond ?? "a different shape"}); it is left out of the estate.");
                }
            }

            links.Add(link with { Roles = linkRoles });
        }

        return new EstateDocument([target.Spec], ecks, links);
    }

    /// <summary>The type of the Service that publishes the transport interface: the one whose publish plan changes nothing (LoadBalancer when neither does).</summary>
    private async Task<EckServiceType> TransportServiceTypeAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken token)
    {
        foreach (var type in new[] { EckServiceType.LoadBalancer, EckServiceType.NodePort })
        {
            var plan = await engine.Eck.PlanPublishAsync(cluster, new PublishRequest(EckInterface.Transport, type, RemoteClusterNames.TransportPort, new Dictionary<string, string>(), []), reporter, token).ConfigureAwait(false);
            if (plan.ChangesNothing)
            {
                return type;
            }
        }

        return EckServiceType.LoadBalancer;
    }

    /// <summary>A key's lifetime to the minute, as keyExpiration is written (Elasticsearch keeps milliseconds).</summary>
    private static TimeSpan Round(TimeSpan lifetime) => TimeSpan.FromMinutes(Math.Round(lifetime.TotalMinutes));

    private Dictionary<string, string> ReadKeyIds(LocalClusterState local)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        using var keystores = engine.NodeConfig.OpenKeystores(local.Directories, local.Target.KeystorePassword);
        foreach (var remote in local.Registered)
        {
            var found = keystores.ApiKeyIds(RemoteClusterNames.CredentialsSetting(remote.Alias)).Select(k => k.KeyId).Distinct().ToList();
            if (found is [{ } id])
            {
                ids[remote.Alias] = id;
            }
        }

        return ids;
    }

    private sealed record PublishedEndpoint(EckCluster Cluster, EckRemoteClusterEndpoint? Endpoint);

    /// <summary>Every published endpoint of every ECK cluster the kubeconfig reaches: the current context first.</summary>
    private async Task<List<PublishedEndpoint>> FindEndpointsAsync(string? kubeConfig, IOperationReporter reporter, CancellationToken token)
    {
        var found = new List<PublishedEndpoint>();
        var contexts = new List<string?> { null };
        contexts.AddRange(engine.Eck.ListContexts(kubeConfig));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var context in contexts)
        {
            if (context is not null && !seen.Add(context))
            {
                continue;
            }

            IReadOnlyList<EckCluster> clusters;
            try
            {
                clusters = await engine.Eck.ListClustersAsync(new KubernetesTarget(kubeConfig, context), null, allNamespaces: true, reporter, token).ConfigureAwait(false);
            }
            catch (EckRemoteClusterException e)
            {
                reporter.Warning($"Context '{context ?? "(current)"}' was skipped: {e.Message}");
                continue;
            }

            if (context is null && clusters.FirstOrDefault()?.Context is { } current)
            {
                seen.Add(current);
            }

            foreach (var cluster in clusters)
            {
                foreach (var endpoint in await engine.Eck.GetEndpointsAsync(cluster, reporter, token).ConfigureAwait(false))
                {
                    found.Add(new PublishedEndpoint(cluster, endpoint));
                }

                // Every cluster once without an endpoint: certificate-model remotes are matched by their transport server name.
                found.Add(new PublishedEndpoint(cluster, null));
            }
        }

        return found;
    }

    /// <summary>A role reaching one alias; Beyond names what it grants besides what an estate role says (null: nothing).</summary>
    private sealed record AliasRole(string Alias, EstateRole Role, string? Beyond);

    /// <summary>Local roles in the shape Set-RemoteClusterRole writes: remote privileges for exactly one alias, no reserved role.</summary>
    private static async Task<List<AliasRole>> ReadRolesAsync(IElasticsearchClient client, CancellationToken token)
    {
        var response = await client.SendAsync("GET", "/_security/role", null, token).ConfigureAwait(false);
        Elasticsearch.ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_security/role");
        var roles = new List<AliasRole>();
        foreach (var (name, value) in response.Body as JsonObject ?? new JsonObject())
        {
            if (value is not JsonObject role || (bool?)role["metadata"]?["_reserved"] == true || role["remote_indices"] is not JsonArray { Count: 1 } remoteIndices || remoteIndices[0] is not JsonObject indices)
            {
                continue;
            }

            var clusters = Strings(indices["clusters"]);
            var remoteCluster = role["remote_cluster"] as JsonArray ?? [];
            if (clusters is not [{ } alias] || remoteCluster.Count > 1 || remoteCluster.Any(rc => Strings(rc?["clusters"]) is not [{ } other] || other != alias))
            {
                continue;
            }

            roles.Add(new AliasRole(alias, new EstateRole(name, Strings(indices["names"]), Strings(indices["privileges"]),
                remoteCluster.Count == 1 ? Strings(remoteCluster[0]?["privileges"]) : [], new EstatePosition(0, 0)), Beyond(role, indices)));
        }

        return roles;
    }

    /// <summary>What a role grants besides its remote indices and remote cluster privileges for the alias; null when nothing.</summary>
    internal static string? Beyond(JsonObject role, JsonObject remoteIndices)
    {
        var extra = new List<string>();
        foreach (var field in new[] { "cluster", "indices", "applications", "run_as" })
        {
            if (role[field] is JsonArray { Count: > 0 })
            {
                extra.Add(field);
            }
        }

        if (role["global"] is JsonObject { Count: > 0 })
        {
            extra.Add("global");
        }

        foreach (var field in new[] { "query", "field_security" })
        {
            if (remoteIndices[field] is not null)
            {
                extra.Add($"remote_indices.{field}");
            }
        }

        if ((bool?)remoteIndices["allow_restricted_indices"] == true)
        {
            extra.Add("remote_indices.allow_restricted_indices");
        }

        return extra.Count == 0 ? null : string.Join(", ", extra);
    }

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(v => (string?)v).OfType<string>().ToList();

    private static string UniqueName(List<EstateEckCluster> taken, EckCluster cluster)
    {
        foreach (var candidate in new[] { cluster.Name, $"{cluster.Namespace}-{cluster.Name}", $"{cluster.Context}-{cluster.Namespace}-{cluster.Name}" })
        {
            if (taken.All(t => t.Name != candidate))
            {
                return candidate;
            }
        }

        return $"{cluster.Context}-{cluster.Namespace}-{cluster.Name}-{taken.Count}";
    }
}

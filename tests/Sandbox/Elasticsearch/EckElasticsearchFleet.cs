using System.Net;
using System.Text.Json.Nodes;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Control;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch;

/// <summary>
/// The nodes of ECK-managed clusters: one <see cref="EsNode"/> per pod, sharing its cluster's state, started and
/// restarted as the operator reconciles. The HTTP certificate and transport CAs are the ones ECK issued.
/// </summary>
public sealed class EckElasticsearchFleet(NodeHttpServer.PipelineHook? pipeline = null) : IElasticsearchFleet, ISandboxDescription, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, EsCluster> _clusters = new(StringComparer.Ordinal);

    public IReadOnlyList<EsCluster> Clusters
    {
        get
        {
            lock (_clusters)
            {
                return [.. _clusters.Values];
            }
        }
    }

    public EsCluster? Find(string @namespace, string name)
    {
        lock (_clusters)
        {
            return _clusters.GetValueOrDefault(Key(@namespace, name));
        }
    }

    public async Task<IReadOnlyList<NodeEndpoints>> ApplyEckClusterAsync(EckClusterSpec spec, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var cluster = Find(spec.Namespace, spec.Name);
            if (cluster is null)
            {
                cluster = new EsCluster(Key(spec.Namespace, spec.Name),
                    new ClusterState(spec.Name, EsVersion.Parse(spec.Version), spec.ElasticPassword));
                lock (_clusters)
                {
                    _clusters[cluster.Label] = cluster;
                }
            }

            cluster.State.ElasticPassword = spec.ElasticPassword;
            foreach (var gone in cluster.Nodes.Where(n => spec.Nodes.All(p => p.PodName != n.Name)).ToList())
            {
                await gone.DisposeAsync();
                cluster.Remove(gone);
            }

            foreach (var pod in spec.Nodes)
            {
                var running = cluster.Find(pod.PodName);
                if (running is null)
                {
                    var node = new EsNode(cluster, ConfigFor(spec, pod), new NoSecureSettings(), pipeline)
                    {
                        TransportPublishAddress = $"{pod.PodName}.{pod.StatefulSetName}.{spec.Namespace}.svc:9300",
                    };
                    cluster.Add(node);
                    await node.StartAsync(cancellationToken);
                }
                else
                {
                    // Certificates and trusted CAs are reloaded from their files by a running node; listeners are not.
                    running.ApplyReloadableConfig(ConfigFor(spec, pod) with
                    {
                        RemoteClusterServerEnabled = running.Config.RemoteClusterServerEnabled,
                    });
                }
            }

            return [.. cluster.Nodes.Select(Endpoints)];
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<NodeEndpoints> RestartEckNodeAsync(EckClusterSpec spec, string podName, CancellationToken cancellationToken)
    {
        var cluster = Find(spec.Namespace, spec.Name);
        var node = cluster?.Find(podName);
        if (cluster is null || node is null)
        {
            await ApplyEckClusterAsync(spec, cancellationToken);
            return Endpoints(Find(spec.Namespace, spec.Name)!.Find(podName)!);
        }

        var pod = spec.Nodes.First(p => p.PodName == podName);
        await node.RestartAsync(ConfigFor(spec, pod), cancellationToken);
        return Endpoints(node);
    }

    public async Task RemoveEckClusterAsync(string @namespace, string name)
    {
        EsCluster? cluster;
        lock (_clusters)
        {
            _clusters.Remove(Key(@namespace, name), out cluster);
        }

        foreach (var node in cluster?.Nodes ?? [])
        {
            await node.DisposeAsync();
        }
    }

    public IPEndPoint? ResolvePodPort(string @namespace, string podName, int containerPort)
    {
        var node = Find(@namespace, PodClusterName(@namespace, podName) ?? string.Empty)?.Find(podName);
        if (node is null || !node.Running)
        {
            return null;
        }

        return containerPort switch
        {
            9200 => node.Http,
            9300 => node.Transport,
            9443 => node.RemoteClusterServer,
            _ => null,
        };
    }

    private string? PodClusterName(string @namespace, string podName) =>
        Clusters.FirstOrDefault(c => c.Label.StartsWith(@namespace + "/", StringComparison.Ordinal) && c.Find(podName) is not null)
            ?.Label[(@namespace.Length + 1)..];

    /// <summary>The settings ECK renders for a pod (verification_mode certificate on transport; the transport cert on 9443).</summary>
    private static NodeConfig ConfigFor(EckClusterSpec spec, EckNodeSpec pod)
    {
        var issuer = spec.TransportTrustedCas.Cast<X509Certificate2>()
            .Where(ca => ca.Subject == pod.TransportCertificate.Issuer).ToArray();
        var settings = new Dictionary<string, SettingValue>(StringComparer.Ordinal)
        {
            ["cluster.name"] = SettingValue.Of(spec.Name),
            ["node.name"] = SettingValue.Of(pod.PodName),
            ["xpack.security.transport.ssl.verification_mode"] = SettingValue.Of("certificate"),
            ["xpack.security.transport.ssl.certificate_authorities"] = SettingValue.Of(["/usr/share/elasticsearch/config/transport-certs/ca.crt", "/usr/share/elasticsearch/config/transport-remote-certs/ca.crt"]),
            ["xpack.security.http.ssl.certificate"] = SettingValue.Of("/usr/share/elasticsearch/config/http-certs/tls.crt"),
        };
        if (spec.RemoteClusterServerEnabled)
        {
            settings["remote_cluster_server.enabled"] = SettingValue.Of("true");
            settings["remote_cluster.host"] = SettingValue.Of("0");
            settings["remote_cluster.publish_host"] = SettingValue.Of($"{pod.PodName}.{pod.StatefulSetName}.{spec.Namespace}.svc");
            settings["xpack.security.remote_cluster_server.ssl.certificate"] = SettingValue.Of($"/usr/share/elasticsearch/config/node-transport-cert/transport.tls.crt");
        }

        return new NodeConfig
        {
            NodeName = pod.PodName,
            Settings = settings,
            HttpCertificate = spec.HttpCertificate,
            TransportCertificate = pod.TransportCertificate,
            TransportChain = [.. issuer],
            TransportTrust = new TrustSource(NodeConfig.TransportSslContext, [], spec.TransportTrustedCas),
            TransportVerificationMode = "certificate",
            RemoteClientTrust = new TrustSource(NodeConfig.RemoteClientSslContext, [], spec.TransportTrustedCas),
            RemoteClusterServerEnabled = spec.RemoteClusterServerEnabled,
        };
    }

    /// <summary>What a pod printed to its console (ECK's Elasticsearch logs ECS JSON lines to stdout); null for an unknown pod.</summary>
    public IReadOnlyList<string>? PodLog(string @namespace, string podName) =>
        Clusters.Where(c => c.Label.StartsWith(@namespace + "/", StringComparison.Ordinal))
            .SelectMany(c => c.Nodes)
            .FirstOrDefault(n => n.Name == podName)?.Logs.ConsoleLines;

    /// <summary>sandbox.json "eckNodes": per cluster a loopback HTTP URI for tests and each pod's real endpoints.</summary>
    public void Describe(JsonObject sandbox)
    {
        var clusters = new JsonObject();
        foreach (var cluster in Clusters)
        {
            var nodes = cluster.Nodes.Where(n => n.Running).ToList();
            clusters[cluster.Label] = new JsonObject
            {
                ["httpUri"] = nodes.Count == 0 ? null : $"https://127.0.0.1:{nodes[0].Http.Port}",
                ["version"] = cluster.State.Version.ToString(),
                ["nodes"] = new JsonArray([.. nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["pod"] = n.Name,
                    ["http"] = n.Http.ToString(),
                    ["transport"] = n.Transport.ToString(),
                    ["remoteClusterServer"] = n.RemoteClusterServer?.ToString(),
                })]),
            };
        }

        sandbox["eckNodes"] = clusters;
    }

    private static NodeEndpoints Endpoints(EsNode node) => new(node.Name, node.Http, node.Transport, node.RemoteClusterServer);

    private static string Key(string @namespace, string name) => $"{@namespace}/{name}";

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in Clusters)
        {
            foreach (var node in cluster.Nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}

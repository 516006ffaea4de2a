using System.Text;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.Local;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// The documented manual steps of the API-key model, done as a person would: HTTP calls, file edits in each node's
/// config dir, the keystore edited like <c>elasticsearch-keystore add</c>, restarts. No module code.
/// </summary>
public static class RemoteClusterProcedure
{
    public const string CaFileName = "remote-cluster-ca.crt";

    /// <summary>ECK enables the server by restarting every pod with the setting (what the operator's rollout does).</summary>
    public static async Task EnableRemoteClusterServerAsync(EsFixture fixture)
    {
        foreach (var pod in fixture.Eck.Nodes)
        {
            await fixture.Fleet.RestartEckNodeAsync(fixture.Eck.Spec(remoteClusterServer: true), pod.PodName, CancellationToken.None);
        }
    }

    /// <summary>The loopback address a LoadBalancer in front of 9443 would give (here: the first pod's listener).</summary>
    public static string ExposedAddress(EsFixture fixture, int containerPort = 9443)
    {
        var endpoint = fixture.Fleet.ResolvePodPort(fixture.Eck.Namespace, fixture.Eck.Nodes[0].PodName, containerPort)
            ?? throw new InvalidOperationException($"port {containerPort} is not served");
        return endpoint.ToString();
    }

    public static async Task<string> CreateCrossClusterKeyAsync(EsTestClient eck, string name, string body = """{"search":[{"names":["logs-*"]}]}""", string? expiration = null)
    {
        var request = new JsonObject { ["name"] = name, ["access"] = JsonNode.Parse(body) };
        if (expiration is not null)
        {
            request["expiration"] = expiration;
        }

        var (status, created, _) = await eck.SendAsync(HttpMethod.Post, "/_security/cross_cluster/api_key", request);
        return status == 200 ? (string)created!["encoded"]! : throw new InvalidOperationException(created!.ToJsonString());
    }

    public static void WriteCaFile(string configDir, string pem) => File.WriteAllText(Path.Combine(configDir, CaFileName), pem);

    /// <summary>Appends the two documented lines to elasticsearch.yml, keeping everything else.</summary>
    public static void AddRemoteClusterClientSettings(string configDir) => File.AppendAllText(
        Path.Combine(configDir, "elasticsearch.yml"),
        $"\nxpack.security.remote_cluster_client.ssl.enabled: true\nxpack.security.remote_cluster_client.ssl.certificate_authorities: [ \"{CaFileName}\" ]\n");

    /// <summary><c>bin/elasticsearch-keystore add cluster.remote.ALIAS.credentials</c>: same format version, same password.</summary>
    public static void AddKeystoreEntry(LocalNodeInstaller.InstalledNode node, string name, string value) =>
        AddKeystoreEntries(node, new Dictionary<string, string> { [name] = value });

    /// <summary>Several entries in one rewrite (each rewrite costs a 210,000-iteration key derivation).</summary>
    public static void AddKeystoreEntries(LocalNodeInstaller.InstalledNode node, IReadOnlyDictionary<string, string> added)
    {
        var path = Path.Combine(node.ConfigDir, ElasticsearchKeystore.FileName);
        var current = ElasticsearchKeystore.Read(File.ReadAllBytes(path), node.KeystorePassword);
        var entries = current.Entries.ToDictionary(e => e.Key, e => e.Value);
        foreach (var (name, value) in added)
        {
            entries[name] = Encoding.UTF8.GetBytes(value);
        }

        File.WriteAllBytes(path, ElasticsearchKeystore.Write(entries, node.KeystorePassword, current.FormatVersion));
    }

    public static async Task RestartAllAsync(EsFixture fixture)
    {
        foreach (var node in fixture.Local.InstalledNodes)
        {
            await fixture.Local.RestartNodeAsync(node.Name, CancellationToken.None);
        }
    }

    /// <summary>PUT _cluster/settings in proxy mode, then waits until every node made its connection attempt.</summary>
    public static Task<(int Status, JsonNode? Body)> RegisterProxyAsync(
        EsFixture fixture, EsTestClient local, string alias, string address, string? serverName, bool skipUnavailable = false) =>
        RegisterProxyAsync(fixture.Local, local, alias, address, serverName, skipUnavailable);

    public static async Task<(int Status, JsonNode? Body)> RegisterProxyAsync(
        LocalCluster cluster, EsTestClient local, string alias, string address, string? serverName, bool skipUnavailable = false)
    {
        var remote = new JsonObject { ["mode"] = "proxy", ["proxy_address"] = address, ["skip_unavailable"] = skipUnavailable };
        if (serverName is not null)
        {
            remote["server_name"] = serverName;
        }

        var (status, body, _) = await local.SendAsync(HttpMethod.Put, "/_cluster/settings",
            new JsonObject { ["persistent"] = new JsonObject { ["cluster"] = new JsonObject { ["remote"] = new JsonObject { [alias] = remote } } } });
        foreach (var node in cluster.Cluster.Nodes)
        {
            await node.WhenIdleAsync();
        }

        return (status, body);
    }

    public static async Task WaitForConnectionsAsync(EsFixture fixture)
    {
        foreach (var node in fixture.Local.Cluster.Nodes)
        {
            await node.WhenIdleAsync();
        }
    }
}

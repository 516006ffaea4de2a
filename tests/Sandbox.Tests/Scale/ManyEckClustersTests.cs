using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Sandbox.Tests.Elasticsearch;

namespace Sandbox.Tests.Scale;

/// <summary>
/// The sandbox started with --eck-clusters 5: one operator, clusters in two namespaces, a context per namespace, and
/// every cluster its own nodes, credentials and data.
/// </summary>
public sealed class ManyEckClustersTests(ManyEckClustersFixture sandbox) : IClassFixture<ManyEckClustersFixture>
{
    private const string Group = "elasticsearch.k8s.elastic.co";

    [Fact]
    public void Sandbox_json_lists_every_cluster_with_its_namespace_context_and_running_nodes()
    {
        Assert.Equal(
            [("elastic", "quickstart", "sandbox-elastic"), ("elastic", "eck-02", "sandbox-elastic"), ("elastic", "eck-03", "sandbox-elastic"),
             ("elastic", "eck-04", "sandbox-elastic"), ("team-02", "eck-05", "sandbox-team-02")],
            sandbox.EckClusters);
        var nodes = sandbox.Description["eckNodes"]!.AsObject();
        Assert.Equal(ManyEckClustersFixture.Clusters, nodes.Count);
        Assert.All(sandbox.EckClusters, c => Assert.Equal(3, nodes[$"{c.Namespace}/{c.Name}"]!["nodes"]!.AsArray().Count));
    }

    [Fact]
    public async Task Each_context_lists_the_Ready_clusters_of_its_own_namespace_by_default()
    {
        foreach (var context in sandbox.EckClusters.GroupBy(c => c.Context))
        {
            var (client, defaultNamespace) = sandbox.ClientFor(context.Key);
            using (client)
            {
                var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(Group, "v1", defaultNamespace, "elasticsearches");
                var items = list.GetProperty("items").EnumerateArray().ToList();

                Assert.Equal(context.Select(c => c.Namespace).Distinct(), [defaultNamespace]);
                Assert.Equal(context.Select(c => c.Name).Order(), items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString()).Order());
                Assert.All(items, i => Assert.Equal("Ready", i.GetProperty("status").GetProperty("phase").GetString()));
            }
        }
    }

    [Fact]
    public async Task Every_cluster_answers_on_its_own_nodes_with_its_own_name_and_elastic_password()
    {
        var passwords = new Dictionary<string, string>();
        foreach (var (ns, name, context) in sandbox.EckClusters)
        {
            using var client = await ClusterClientAsync(ns, name, context);
            var (status, body, _) = await client.GetAsync("/");

            Assert.Equal(200, status);
            Assert.Equal(name, (string?)body!["cluster_name"]);
            passwords[name] = await ElasticPasswordAsync(ns, name, context);
        }

        Assert.Equal(passwords.Count, passwords.Values.Distinct().Count());
        // One cluster's password opens no other cluster.
        using var quickstart = await ClusterClientAsync("elastic", "quickstart", "sandbox-elastic");
        var (denied, _, _) = await quickstart.SendAsync(HttpMethod.Get, "/", auth: new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"elastic:{passwords["eck-05"]}"))));
        Assert.Equal(401, denied);
    }

    [Fact]
    public async Task A_document_indexed_in_one_cluster_is_in_no_other()
    {
        using var eck03 = await ClusterClientAsync("elastic", "eck-03", "sandbox-elastic");
        using var eck05 = await ClusterClientAsync("team-02", "eck-05", "sandbox-team-02");

        var (created, _, _) = await eck03.PutAsync("/scale-independence/_doc/1?refresh=true", """{"owner":"eck-03"}""");
        var (here, hits, _) = await eck03.GetAsync("/scale-independence/_search");
        var (elsewhere, error, _) = await eck05.GetAsync("/scale-independence/_search");

        Assert.Equal(201, created);
        Assert.Equal(200, here);
        Assert.Equal(1, (int)hits!["hits"]!["total"]!["value"]!);
        Assert.Equal(404, elsewhere);
        Assert.Equal("index_not_found_exception", (string?)error!["error"]!["type"]);
    }

    [Fact]
    public async Task A_spec_change_to_one_cluster_rolls_that_cluster_and_writes_no_status_of_another()
    {
        var (client, ns) = sandbox.ClientFor("sandbox-team-02");
        using (client)
        {
            var before = DateTimeOffset.UtcNow;
            var patch = new V1Patch("""{"spec":{"remoteClusterServer":{"enabled":true}}}""", V1Patch.PatchType.MergePatch);
            var patched = (JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Group, "v1", ns, "elasticsearches", "eck-05");
            var generation = patched.GetProperty("metadata").GetProperty("generation").GetInt64();

            var ready = await EsTestClient.EventuallyAsync(
                async () => (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, "v1", ns, "elasticsearches", "eck-05"),
                es => es.TryGetProperty("status", out var status) && status.GetProperty("phase").GetString() == "Ready"
                    && status.GetProperty("observedGeneration").GetInt64() == generation,
                timeoutMs: 120_000);
            Assert.Equal(generation, ready.GetProperty("status").GetProperty("observedGeneration").GetInt64());

            var changes = JsonNode.Parse(await sandbox.Control.GetStringAsync("kubernetes/status-changes?kind=Elasticsearch"))!.AsArray()
                .Where(c => DateTimeOffset.Parse((string)c!["time"]!, System.Globalization.CultureInfo.InvariantCulture) >= before)
                .Select(c => $"{c!["namespace"]}/{c["name"]}")
                .Distinct()
                .ToList();
            Assert.Equal(["team-02/eck-05"], changes);
        }
    }

    private async Task<EsTestClient> ClusterClientAsync(string ns, string name, string context)
    {
        var (client, _) = sandbox.ClientFor(context);
        using (client)
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync($"{name}-es-http-certs-public", ns);
            var ca = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(secret.Data["ca.crt"]));
            var uri = (string)sandbox.Description["eckNodes"]![$"{ns}/{name}"]!["httpUri"]!;
            return new EsTestClient(uri, "elastic", await ElasticPasswordAsync(ns, name, context), ca);
        }
    }

    private async Task<string> ElasticPasswordAsync(string ns, string name, string context)
    {
        var (client, _) = sandbox.ClientFor(context);
        using (client)
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync($"{name}-es-elastic-user", ns);
            return Encoding.UTF8.GetString(secret.Data["elastic"]);
        }
    }
}

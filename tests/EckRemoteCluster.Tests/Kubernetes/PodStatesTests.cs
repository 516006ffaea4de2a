using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Tests.Kubernetes;

/// <summary>
/// The pod list a port-forward picks from is read as plain JSON, only name, phase, deletion and the Ready condition:
/// the same request as the typed client's, the same answer as its model gives, and a refusal reported the same way.
/// </summary>
public sealed class PodStatesTests
{
    private const string PodList = """
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[
          {"metadata":{"name":"quickstart-es-default-0","namespace":"elastic","deletionTimestamp":"2026-12-01T10:00:00Z",
             "labels":{"elasticsearch.k8s.elastic.co/cluster-name":"quickstart"}},
           "spec":{"containers":[{"name":"elasticsearch","image":"docker.elastic.co/elasticsearch/elasticsearch:9.1.0","ports":[{"containerPort":9200}]}]},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
          {"metadata":{"name":"quickstart-es-default-1","namespace":"elastic"},
           "status":{"phase":"Running","conditions":[{"type":"ContainersReady","status":"True"},{"type":"Ready","status":"False"}]}},
          {"metadata":{"name":"quickstart-es-default-2","namespace":"elastic","deletionTimestamp":null},
           "status":{"phase":"Running","podIP":"10.0.0.7","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]}},
          {"metadata":{"name":"quickstart-es-default-3","namespace":"elastic"},"status":{"phase":"Pending"}},
          {"metadata":{"name":"quickstart-es-default-4","namespace":"elastic"}}
        ]}
        """;

    private static readonly EckCluster Cluster = new("quickstart", "elastic", "9.1.0", "green", "Ready", 3, true, null, null, 3, 3, "7");

    [Fact]
    public void ParsesWhatTheTypedModelSaysOfEachPod()
    {
        var parsed = PodStates.Parse(Encoding.UTF8.GetBytes(PodList));
        var typed = KubernetesJson.Deserialize<V1PodList>(PodList).Items.Select(PodStates.FromModel).ToList();

        Assert.Equal(typed, parsed);
        Assert.Equal(
        [
            new PodState("quickstart-es-default-0", "Running", true, true),
            new PodState("quickstart-es-default-1", "Running", false, false),
            new PodState("quickstart-es-default-2", "Running", false, true),
            new PodState("quickstart-es-default-3", "Pending", false, false),
            new PodState("quickstart-es-default-4", null, false, false),
        ], parsed);
    }

    [Fact]
    public void AListWithoutItemsHasNoPods()
    {
        Assert.Empty(PodStates.Parse(Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","metadata":{},"items":null}""")));
        Assert.Empty(PodStates.Parse(Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","metadata":{}}""")));
    }

    [Fact]
    public async Task SendsTheTypedClientsListRequestWithTheContextsCredentials()
    {
        using var api = new FakeKubernetesApi(_ => (200, PodList));
        var session = new KubernetesSessions().Get(new KubernetesTarget(api.KubeConfigPath, null));

        var pods = await PodStates.ListAsync(session, "elastic", EckNames.ClusterSelector("quickstart"), CancellationToken.None);

        Assert.Equal(5, pods.Count);
        var request = Assert.Single(api.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/elastic/pods?labelSelector=elasticsearch.k8s.elastic.co%2Fcluster-name%3Dquickstart%2Ccommon.k8s.elastic.co%2Ftype%3Delasticsearch", request.Path);
        Assert.Equal("Bearer token-of-fake", request.Authorization);
    }

    [Fact]
    public async Task ARefusedListIsKubernetesForbiddenNamingTheVerbAndResource()
    {
        using var api = new FakeKubernetesApi(_ => (403,
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"reader\" cannot list resource \"pods\" in API group \"\" in the namespace \"elastic\"","reason":"Forbidden","details":{"kind":"pods"},"code":403}"""));
        var session = new KubernetesSessions().Get(new KubernetesTarget(api.KubeConfigPath, null));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => PodStates.ListAsync(session, "elastic", EckNames.ClusterSelector("quickstart"), CancellationToken.None));

        Assert.Equal(ErrorIds.KubernetesForbidden, error.ErrorId);
        Assert.Contains("cannot list resource \"pods\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl auth can-i list pods -n elastic", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortForwardPicksOnlyAReadyPodOfTheListedOnes()
    {
        using var api = new FakeKubernetesApi(_ => (200, PodList));
        var session = new KubernetesSessions().Get(new KubernetesTarget(api.KubeConfigPath, null));
        var pods = new Engine.Elasticsearch.ReadyPods(Cluster, token => PodStates.ListAsync(session, "elastic", EckNames.ClusterSelector("quickstart"), token));

        Assert.Equal("quickstart-es-default-2", await pods.PickAsync(CancellationToken.None));
    }
}

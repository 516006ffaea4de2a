using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Sandbox.Tests.Kubernetes;

/// <summary>Control API PUT /rollout: mode and secondsPerPod, and the operator's rolling restart following that pace.</summary>
public sealed class RolloutPaceTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task SecondsPerPodSlowsTheRollingRestart()
    {
        var (code, pace) = await ApiServerFixture.SendAsync(fixture.Control, HttpMethod.Put, "/rollout", """{"mode":"instant","secondsPerPod":0.4}""");
        Assert.Equal(200, code);
        Assert.Equal(0.4, (double?)pace["secondsPerPod"]);
        Assert.Equal("instant", (string?)pace["mode"]);
        Assert.True((bool?)pace["customSecondsPerPod"]);

        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"pace"}}""");
        var (created, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/pace/elasticsearches",
            """{"apiVersion":"elasticsearch.k8s.elastic.co/v1","kind":"Elasticsearch","metadata":{"name":"slow"},"spec":{"version":"9.1.0","nodeSets":[{"name":"default","count":3}]}}""");
        Assert.Equal(201, created);
        await WaitReadyAsync(generation: 1);

        var clock = Stopwatch.StartNew();
        var (patched, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/pace/elasticsearches/slow",
            """{"spec":{"remoteClusterServer":{"enabled":true}}}""", "application/merge-patch+json");
        Assert.Equal(200, patched);
        await WaitReadyAsync(generation: 2);

        // Three pods restart one after the other, each down for secondsPerPod.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.2), $"the rollout took {clock.Elapsed}");
        var (_, reset) = await ApiServerFixture.SendAsync(fixture.Control, HttpMethod.Put, "/rollout", """{"mode":"instant"}""");
        Assert.False((bool?)reset["customSecondsPerPod"]);
        Assert.True((double?)reset["secondsPerPod"] < 0.1);
    }

    [Theory]
    [InlineData("""{"secondsPerPod":-1}""", "secondsPerPod must be a number from 0 to 300, not -1")]
    [InlineData("""{"secondsPerPod":"fast"}""", "secondsPerPod must be a number from 0 to 300, not \"fast\"")]
    [InlineData("""{"mode":"slow"}""", "mode must be instant or realistic, not 'slow'")]
    public async Task InvalidPaceIsRejectedAndNothingChanges(string body, string error)
    {
        var (_, before) = await ApiServerFixture.SendAsync(fixture.Control, HttpMethod.Get, "/rollout");
        var (code, answer) = await ApiServerFixture.SendAsync(fixture.Control, HttpMethod.Put, "/rollout", body);
        Assert.Equal(400, code);
        Assert.Equal(error, (string?)answer["error"]);
        var (_, after) = await ApiServerFixture.SendAsync(fixture.Control, HttpMethod.Get, "/rollout");
        Assert.True(JsonNode.DeepEquals(before, after), $"{before} → {after}");
    }

    private async Task WaitReadyAsync(long generation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (_, es) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/pace/elasticsearches/slow");
            if ((string?)es["status"]?["phase"] == "Ready" && (long?)es["status"]?["observedGeneration"] == generation)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not Ready at generation {generation}: {es["status"]}");
            await Task.Delay(50);
        }
    }
}

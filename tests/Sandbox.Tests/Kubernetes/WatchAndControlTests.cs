using System.Text.Json.Nodes;

namespace Sandbox.Tests.Kubernetes;

/// <summary>Watch streams (events, bookmarks, 410 after compaction) and the control API's request log and faults.</summary>
public sealed class WatchAndControlTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task WatchFromResourceVersionStreamsLaterChangesAndBookmarks()
    {
        var (_, created) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"watched"}}""");
        var since = (string)created["metadata"]!["resourceVersion"]!;
        using var response = await fixture.Admin.GetAsync(
            $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={since}&allowWatchBookmarks=true&timeoutSeconds=5", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/watched", """{"data":{"a":"1"}}""", "application/merge-patch+json");
        var types = new List<string>();
        while (types.Count < 5 && await reader.ReadLineAsync() is { } line)
        {
            types.Add((string)JsonNode.Parse(line)!["type"]!);
            if (types.Contains("MODIFIED") && types.Contains("BOOKMARK"))
            {
                break;
            }
        }

        Assert.Contains("MODIFIED", types);
        Assert.Contains("BOOKMARK", types);
        Assert.DoesNotContain("ADDED", types);
    }

    [Fact]
    public async Task WatchFromCompactedVersionAnswersGone()
    {
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"before-compaction"}}""");
        fixture.Api.Store.Compact();
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1");
        Assert.Equal(410, code);
        Assert.Equal("Expired", (string?)status["reason"]);
        Assert.StartsWith("too old resource version: 1 (", (string?)status["message"]);
    }

    [Fact]
    public async Task FaultsHitTheNextMatchingRequestsAndTheLogRecordsThem()
    {
        await fixture.Control.DeleteAsync("/requests");
        using var fault = new StringContent("""{"target":"kubernetes","method":"GET","pathPattern":"/namespaces/elastic$","status":503,"count":1}""");
        Assert.Equal(201, (int)(await fixture.Control.PostAsync("/faults", fault)).StatusCode);
        var (first, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/elastic");
        Assert.Equal(503, first);
        Assert.Equal("ServiceUnavailable", (string?)status["reason"]);
        var (second, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/elastic");
        Assert.Equal(200, second);
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"logged"}}""");
        var log = JsonNode.Parse(await fixture.Control.GetStringAsync("/requests"))!.AsArray();
        Assert.Equal("503,200,201", string.Join(",", log.Select(e => (int)e!["status"]!)));
        Assert.Equal("False,False,True", string.Join(",", log.Select(e => (bool)e!["mutating"]!)));
        Assert.All(log, e => Assert.Equal("sandbox-admin", (string?)e!["user"]));
    }

    [Fact]
    public async Task RequestsWaitAnswersOnceEveryStartedRequestIsLogged()
    {
        await fixture.Control.DeleteAsync("/requests");
        using var fault = new StringContent("""{"target":"kubernetes","method":"GET","pathPattern":"/namespaces/held-for-log$","action":"hold","count":1}""");
        Assert.Equal(201, (int)(await fixture.Control.PostAsync("/faults", fault)).StatusCode);
        try
        {
            var held = ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/held-for-log");
            for (var deadline = DateTime.UtcNow.AddSeconds(60); (int)JsonNode.Parse(await fixture.Control.GetStringAsync("/faults"))!["held"]! < 1;)
            {
                Assert.True(DateTime.UtcNow < deadline, "the request was never held");
                await Task.Delay(20);
            }

            // Started, not logged: the wait cannot answer while the request is held.
            using (var busy = await fixture.Control.PostAsync("/requests/wait?timeoutSeconds=0.5", null))
            {
                Assert.Equal(504, (int)busy.StatusCode);
            }

            Assert.Empty(JsonNode.Parse(await fixture.Control.GetStringAsync("/requests"))!.AsArray());
            (await fixture.Control.PostAsync("/faults/release", null)).EnsureSuccessStatusCode();
            var (status, _) = await held;
            Assert.Equal(404, status);
            using var settled = await fixture.Control.PostAsync("/requests/wait?timeoutSeconds=30", null);
            Assert.Equal(200, (int)settled.StatusCode);
            var log = JsonNode.Parse(await fixture.Control.GetStringAsync("/requests"))!.AsArray();
            Assert.Contains(log, e => (string?)e!["path"] == "/api/v1/namespaces/held-for-log" && (int)e["status"]! == 404);
            using var badTimeout = await fixture.Control.PostAsync("/requests/wait?timeoutSeconds=x", null);
            Assert.Equal(400, (int)badTimeout.StatusCode);
        }
        finally
        {
            await fixture.Control.DeleteAsync("/faults");
        }
    }
}

namespace Sandbox.Tests.Kubernetes;

/// <summary>kube-root-ca.crt in every namespace, kept there like kube-controller-manager's publisher does.</summary>
public sealed class RootCaPublisherTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task EveryNamespaceGetsTheApiServerCaAndKeepsIt()
    {
        var (created, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"fresh"}}""");
        Assert.Equal(201, created);
        var configMap = await WaitForAsync("fresh");
        Assert.Equal(fixture.Api.Certificates.CaPem, (string?)configMap["data"]!["ca.crt"]);
        Assert.StartsWith("Contains a CA bundle", (string?)configMap["metadata"]!["annotations"]!["kubernetes.io/description"]);

        var (deleted, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Delete, "/api/v1/namespaces/fresh/configmaps/kube-root-ca.crt");
        Assert.Equal(200, deleted);
        var restored = await WaitForAsync("fresh");
        Assert.NotEqual((string?)configMap["metadata"]!["uid"], (string?)restored["metadata"]!["uid"]);

        var (_, seeded) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/elastic/configmaps/kube-root-ca.crt");
        Assert.Equal(fixture.Api.Certificates.CaPem, (string?)seeded["data"]?["ca.crt"]);
    }

    private async Task<System.Text.Json.Nodes.JsonObject> WaitForAsync(string ns)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline;)
        {
            var (code, body) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt");
            if (code == 200)
            {
                return body;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"kube-root-ca.crt never appeared in {ns}");
    }
}

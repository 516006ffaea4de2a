using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Sandbox.Tests.Kubernetes;

/// <summary>List chunking (limit/continue) as kubectl and KubernetesClient use it for big lists.</summary>
public sealed class ListPagingTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task PagesFollowKeyOrderWithContinueTokensAndRemainingCounts()
    {
        var path = await CreateConfigMapsAsync("paged");
        var names = new List<string>();
        var versions = new HashSet<string>();
        var remainingCounts = new List<long?>();
        string? token = null;
        do
        {
            var (code, list) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{path}?limit=2" + (token is null ? "" : $"&continue={Uri.EscapeDataString(token)}"));
            Assert.Equal(200, code);
            Assert.True(list["items"]!.AsArray().Count <= 2);
            names.AddRange(list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            versions.Add((string)list["metadata"]!["resourceVersion"]!);
            token = (string?)list["metadata"]!["continue"];
            remainingCounts.Add((long?)list["metadata"]!["remainingItemCount"]);
        }
        while (token is not null);

        // kube-root-ca.crt is in every namespace, as the root CA publisher puts it there on a real cluster.
        Assert.Equal(["cm-a", "cm-b", "cm-c", "cm-d", "cm-e", "kube-root-ca.crt"], names);
        Assert.Single(versions);
        Assert.Equal([4, 2, null], remainingCounts);
    }

    [Fact]
    public async Task BadAndCompactedTokensAreRejectedLikeKubeApiserver()
    {
        var path = await CreateConfigMapsAsync("paged-tokens");
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{path}?limit=2&continue=not*base64");
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.StartsWith("invalid continue token: continue key is not valid: ", (string?)status["message"]);

        var (_, first) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{path}?limit=2");
        var token = (string)first["metadata"]!["continue"]!;
        var (conflicting, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{path}?limit=2&resourceVersion=5&continue={Uri.EscapeDataString(token)}");
        Assert.Equal(400, conflicting);

        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, path, """{"metadata":{"name":"cm-after"}}""");
        fixture.Api.Store.Compact();
        var (gone, expired) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{path}?limit=2&continue={Uri.EscapeDataString(token)}");
        Assert.Equal(410, gone);
        Assert.Equal("Expired", (string?)expired["reason"]);
        Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", (string?)expired["message"]);
    }

    [Fact]
    public async Task KubectlChunkedGetListsEverything()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return;
        }

        await CreateConfigMapsAsync("paged-kubectl");
        var start = new ProcessStartInfo(kubectl, ["--kubeconfig", fixture.Kubeconfig, "get", "configmaps", "-n", "paged-kubectl", "--chunk-size=2", "-o", "name", "-v=6"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await stderr);
        var listed = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["configmap/cm-a", "configmap/cm-b", "configmap/cm-c", "configmap/cm-d", "configmap/cm-e", "configmap/kube-root-ca.crt"], listed);
        Assert.Contains("continue=", await stderr, StringComparison.Ordinal);
    }

    /// <summary>A namespace with five configmaps created out of order; returns their collection path.</summary>
    private async Task<string> CreateConfigMapsAsync(string ns)
    {
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }.ToJsonString());
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        foreach (var name in new[] { "cm-d", "cm-b", "cm-e", "cm-a", "cm-c" })
        {
            var (code, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, path, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }.ToJsonString());
            Assert.Equal(201, code);
        }

        await WaitForRootCaAsync(ns);
        return path;
    }

    private async Task WaitForRootCaAsync(string ns)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline;)
        {
            var (code, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt");
            if (code == 200)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"kube-root-ca.crt never appeared in {ns}");
    }
}

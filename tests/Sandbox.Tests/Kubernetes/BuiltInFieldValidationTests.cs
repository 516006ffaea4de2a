using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Sandbox.Tests.Kubernetes;

/// <summary>fieldValidation on built-in kinds: unknown fields are dropped, warned about (Warn) or rejected (Strict).</summary>
public sealed class BuiltInFieldValidationTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task StrictRejectsUnknownFieldsOfBuiltInKinds()
    {
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
            """{"metadata":{"name":"strict-cm","lables":{"a":"b"}},"data":{"a":"1"},"bogus":true}""");
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.lables\", unknown field \"bogus\"",
            (string?)status["message"]);
        var (missing, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/strict-cm");
        Assert.Equal(404, missing);
    }

    [Fact]
    public async Task WarnDropsUnknownServiceFieldsAndSaysSo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/services?fieldValidation=Warn")
        {
            Content = new StringContent("""{"metadata":{"name":"warned"},"spec":{"selector":{"a":"b"},"prots":[],"ports":[{"port":80,"targetPrt":8080}]}}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var response = await fixture.Admin.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? string.Join("\n", values) : "";
        Assert.Contains("299 - \"unknown field \\\"spec.prots\\\"\"", warnings, StringComparison.Ordinal);
        Assert.Contains("299 - \"unknown field \\\"spec.ports[0].targetPrt\\\"\"", warnings, StringComparison.Ordinal);

        var (_, stored) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/namespaces/default/services/warned");
        Assert.Null(stored["spec"]!["prots"]);
        Assert.Null(stored["spec"]!["ports"]![0]!["targetPrt"]);
        Assert.Equal(80, (int?)stored["spec"]!["ports"]![0]!["port"]);
    }

    [Fact]
    public async Task KubectlApplyWithATypoFailsLikeAgainstARealCluster()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return;
        }

        var manifest = Path.Combine(fixture.StateDir, "typo.yaml");
        File.WriteAllText(manifest, "apiVersion: v1\nkind: Service\nmetadata:\n  name: typo\n  namespace: default\nspec:\n  type: LoadBalancer\n  prots:\n  - port: 9443\n");
        var start = new ProcessStartInfo(kubectl, ["--kubeconfig", fixture.Kubeconfig, "apply", "-f", manifest])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.prots\"", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("created", await stdout, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace Sandbox.Tests.Kubernetes;

/// <summary>Real kubectl against the sandbox: the seed walkthrough's commands and the everyday verbs.</summary>
public sealed class KubectlTests(ApiServerFixture fixture, ITestOutputHelper output) : IClassFixture<ApiServerFixture>
{
    private static readonly string? Kubectl = FindKubectl();

    [Fact]
    public async Task SeedWalkthroughCommandsWork()
    {
        if (Kubectl is null)
        {
            output.WriteLine("Skipped: kubectl is not on PATH.");
            return;
        }

        Assert.Contains("quickstart patched", await RunAsync("patch", "es", "quickstart", "-n", "elastic", "--type", "merge", "-p", """{"spec":{"remoteClusterServer":{"enabled":true}}}"""));
        // Right after the patch the phase is still the old Ready (the operator has not reacted yet), as with real ECK:
        // wait for the new generation to be observed first, then for the rollout it starts to end.
        var generation = await RunAsync("get", "es", "quickstart", "-n", "elastic", "-o", "jsonpath={.metadata.generation}");
        Assert.Contains("condition met", await RunAsync("wait", "es/quickstart", "-n", "elastic", $"--for=jsonpath={{.status.observedGeneration}}={generation}", "--timeout=30s"));
        Assert.Contains("condition met", await RunAsync("wait", "es/quickstart", "-n", "elastic", "--for=jsonpath={.status.phase}=Ready", "--timeout=30s"));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await RunAsync("get", "secret", "quickstart-es-transport-certs-public", "-n", "elastic", "-o", """go-template={{index .data "ca.crt" | base64decode}}"""));
        await RunAsync("wait", "service/quickstart-es-remote-cluster", "-n", "elastic", "--for=jsonpath={.spec.ports[0].port}=9443", "--timeout=30s");
        Assert.Contains("exposed", await RunAsync("expose", "service", "quickstart-es-remote-cluster", "-n", "elastic", "--name=quickstart-es-remote-cluster-lb", "--type=LoadBalancer", "--port=9443", "--target-port=9443"));
        var ca = Path.Combine(fixture.StateDir, "self-managed-ca.crt");
        File.WriteAllText(ca, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Assert.Contains("created", await RunAsync("create", "configmap", "remote-certs", "-n", "elastic", $"--from-file=ca.crt={ca}"));
        Assert.Contains("Ready", await RunAsync("get", "es", "-A"));
    }

    [Fact]
    public async Task EverydayVerbsWork()
    {
        if (Kubectl is null)
        {
            output.WriteLine("Skipped: kubectl is not on PATH.");
            return;
        }

        Assert.Contains("created", await RunAsync("create", "secret", "generic", "k-secret", "-n", "default", "--from-literal=user=me"));
        Assert.Equal("me", await RunAsync("get", "secret", "k-secret", "-n", "default", "-o", "go-template={{.data.user | base64decode}}"));
        Assert.Contains("\"kind\": \"Secret\"", await RunAsync("get", "secret", "k-secret", "-n", "default", "-o", "json"));
        Assert.Contains("kind: Secret", await RunAsync("get", "secret", "k-secret", "-n", "default", "-o", "yaml"));
        Assert.Contains("quickstart-es-elastic-user", await RunAsync("get", "secrets", "-A", "-l", "elasticsearch.k8s.elastic.co/cluster-name=quickstart"));
        Assert.Contains("patched", await RunAsync("patch", "secret", "k-secret", "-n", "default", "--type", "json", "-p", """[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]"""));
        Assert.Contains("patched", await RunAsync("patch", "secret", "k-secret", "-n", "default", "-p", """{"metadata":{"labels":{"c":"d"}}}"""));
        Assert.Equal("b d", await RunAsync("get", "secret", "k-secret", "-n", "default", "-o", "jsonpath={.metadata.labels.a} {.metadata.labels.c}"));
        var manifest = Path.Combine(fixture.StateDir, "cm.yaml");
        File.WriteAllText(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: \"1\"\n");
        Assert.Contains("created", await RunAsync("apply", "-f", manifest));
        File.WriteAllText(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: \"2\"\n");
        Assert.Contains("configured", await RunAsync("apply", "-f", manifest));
        Assert.Contains("deleted", await RunAsync("delete", "secret", "k-secret", "-n", "default"));
        var denied = await RunAsync(expectFailure: true, "--context", "sandbox-readonly", "delete", "configmap", "applied", "-n", "default");
        Assert.Contains("Error from server (Forbidden)", denied);
    }

    private Task<string> RunAsync(params string[] args) => RunAsync(false, args);

    private async Task<string> RunAsync(bool expectFailure, params string[] args)
    {
        var start = new ProcessStartInfo(Kubectl!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(fixture.Kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"kubectl {string.Join(' ', args)} → {process.ExitCode}\n{await stdout}{await stderr}");
        Assert.True(expectFailure ? process.ExitCode != 0 : process.ExitCode == 0, await stderr);
        return expectFailure ? await stderr : (await stdout).Trim();
    }

    private static string? FindKubectl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl"))
            .FirstOrDefault(File.Exists);
}

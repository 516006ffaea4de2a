using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Sandbox.Tests.Kubernetes;

/// <summary>Runs the real kubectl on PATH against a fixture's kubeconfig, with a cache directory of the fixture's own.</summary>
internal sealed class KubectlRunner(ApiServerFixture fixture, ITestOutputHelper output)
{
    public static readonly string? Path = FindKubectl();

    public Task<string> RunAsync(params string[] args) => RunAsync(false, args);

    /// <summary>Returns stdout when kubectl succeeds, stderr when a failure was expected.</summary>
    public async Task<string> RunAsync(bool expectFailure, params string[] args)
    {
        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--kubeconfig", fixture.Kubeconfig, "--cache-dir", System.IO.Path.Combine(fixture.StateDir, "kubectl-cache") }.Concat(args))
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
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(dir => System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl"))
            .FirstOrDefault(File.Exists);
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using Sandbox.Control;

namespace Sandbox.Tests.Scale;

/// <summary>
/// The real sandbox program started as a child process with <c>--eck-clusters 5</c> (four clusters in elastic, one in
/// team-02), once per test class: what Program.cs wires for the option is what is tested. Closing its standard input
/// stops it.
/// </summary>
public sealed class ManyEckClustersFixture : IAsyncLifetime
{
    public const int Clusters = 5;

    private Process? process;

    public string StateDir { get; } = Directory.CreateTempSubdirectory("sandbox-eck-clusters").FullName;

    /// <summary>The sandbox.json the sandbox wrote once every cluster was Ready.</summary>
    public JsonObject Description { get; private set; } = null!;

    public string Kubeconfig => (string)Description["kubeconfig"]!;

    public IReadOnlyList<(string Namespace, string Name, string Context)> EckClusters =>
        [.. Description["eckClusters"]!.AsArray().Select(c => ((string)c!["namespace"]!, (string)c["name"]!, (string)c["context"]!))];

    public HttpClient Control { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var sandboxDll = typeof(SandboxOptions).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { sandboxDll, "--state-dir", StateDir, "--eck-clusters", Clusters.ToString(System.Globalization.CultureInfo.InvariantCulture), "--local-nodes", "1", "--seed", "11" })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(File.Create(Path.Combine(StateDir, "sandbox.stdout.log")));
        _ = process.StandardError.BaseStream.CopyToAsync(File.Create(Path.Combine(StateDir, "sandbox.stderr.log")));
        var descriptor = Path.Combine(StateDir, SandboxJsonWriter.FileName);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(descriptor))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The sandbox exited with {process.ExitCode} before it was ready; see {StateDir}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The sandbox with {Clusters} ECK clusters was not ready within 5 minutes; see {StateDir}.");
            }

            await Task.Delay(100);
        }

        Description = JsonNode.Parse(await File.ReadAllTextAsync(descriptor))!.AsObject();
        Control = new HttpClient { BaseAddress = new Uri((string)Description["controlApi"]! + "/") };
    }

    /// <summary>A client of the Kubernetes API through one of the kubeconfig's contexts, and that context's default namespace.</summary>
    public (IKubernetes Client, string Namespace) ClientFor(string context)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig, currentContext: context);
        return (new k8s.Kubernetes(config), config.Namespace);
    }

    public async Task DisposeAsync()
    {
        Control?.Dispose();
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close();
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being flushed by the exiting child: the temp directory is left for the OS to clean.
        }
    }
}

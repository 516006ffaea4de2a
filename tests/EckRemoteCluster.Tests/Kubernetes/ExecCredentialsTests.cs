using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.KubeConfigModels;

namespace EckRemoteCluster.Tests.Kubernetes;

public sealed class ExecCredentialsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("eckrc-exec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OnePluginRunServesEverySessionAndRequestWhileTheTokenIsValid()
    {
        using var api = new FakeKubernetesApi(_ => (200, """{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}"""));
        var kubeConfig = WriteExecKubeConfig(api, "the-plugin");
        var runs = 0;
        var cache = new ExecCredentials((_, _) => { Interlocked.Increment(ref runs); return new ExecCredential("token-1", null, null, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)); }, TimeProvider.System);
        var sessions = new KubernetesSessions(cache);

        // As a pipeline does: the first cmdlet names no context, the next ones pass on the context it reported.
        foreach (var context in new string?[] { null, "fake", "fake" })
        {
            var session = sessions.Get(new KubernetesTarget(kubeConfig, context));
            await session.Client.CoreV1.ListNamespaceAsync();
            await session.Client.CoreV1.ListNamespaceAsync();
        }

        Assert.Equal(1, runs);
        Assert.Equal(6, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("Bearer token-1", r.Authorization));
    }

    [Fact]
    public async Task RunsThePluginAgainOnlyWhenTheTokenIsAboutToExpire()
    {
        using var api = new FakeKubernetesApi(_ => (200, """{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}"""));
        var time = new SettableTime(new DateTimeOffset(2029, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var runs = 0;
        var cache = new ExecCredentials(
            (_, _) =>
            {
                var run = Interlocked.Increment(ref runs);
                return new ExecCredential($"token-{run}", null, null, time.GetUtcNow().AddMinutes(15));
            },
            time);
        var session = new KubernetesSessions(cache).Get(new KubernetesTarget(WriteExecKubeConfig(api, "the-plugin"), null));

        await session.Client.CoreV1.ListNamespaceAsync();
        time.Now = time.Now.AddMinutes(14);
        await session.Client.CoreV1.ListNamespaceAsync();
        Assert.Equal(1, runs);

        time.Now = time.Now.AddSeconds(31); // within 30 s of the expiry
        await session.Client.CoreV1.ListNamespaceAsync();

        Assert.Equal(2, runs);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], api.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public void AMissingPluginIsKubeExecPluginNotFoundWithTheInstallHint()
    {
        var exec = new ExternalExecution { ApiVersion = "client.authentication.k8s.io/v1", Command = Path.Combine(_folder, "no-such-plugin"), InstallHint = "Get it from your cloud vendor." };

        var error = Assert.Throws<EckRemoteClusterException>(() => new ExecCredentials().Get(exec, "alice"));

        Assert.Equal("KubeExecPluginNotFound", error.ErrorId);
        Assert.Contains("no-such-plugin", error.Message, StringComparison.Ordinal);
        Assert.Contains("Get it from your cloud vendor.", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonZeroExitIsKubeExecPluginFailedWithWhatThePluginSaid()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The plugin below is a POSIX shell script.
        }

        var plugin = WriteScript("failing-plugin", "echo 'token expired: run aws sso login' >&2\nexit 3");
        var exec = new ExternalExecution { ApiVersion = "client.authentication.k8s.io/v1", Command = plugin };

        var error = Assert.Throws<EckRemoteClusterException>(() => new ExecCredentials().Get(exec, "alice"));

        Assert.Equal("KubeExecPluginFailed", error.ErrorId);
        Assert.Contains("exited with 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("token expired: run aws sso login", error.Message, StringComparison.Ordinal);
        Assert.Contains("alice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsARealPluginWithItsArgumentsEnvironmentAndExecInfo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var plugin = WriteScript("echo-plugin", """
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s-%s-%s","expirationTimestamp":"2030-01-01T00:00:00Z"}}' "$1" "$PLUGIN_REGION" "$(echo "$KUBERNETES_EXEC_INFO" | grep -c '"interactive":false')"
            """);
        var exec = new ExternalExecution
        {
            ApiVersion = "client.authentication.k8s.io/v1",
            Command = plugin,
            Arguments = ["arg with space"],
            EnvironmentVariables = [new Dictionary<string, string> { ["name"] = "PLUGIN_REGION", ["value"] = "eu-west-1" }],
        };

        var credential = new ExecCredentials().Get(exec, "alice");

        Assert.Equal("arg with space-eu-west-1-1", credential.Token);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), credential.Expires);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t"}}""", "apiVersion")]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v1","status":{}}""", "neither a token")]
    public void OutputWithoutAUsableCredentialIsKubeExecPluginOutputInvalid(string output, string why)
    {
        var exec = new ExternalExecution { ApiVersion = "client.authentication.k8s.io/v1", Command = "plugin" };

        var error = Assert.Throws<EckRemoteClusterException>(() => ExecCredentials.Parse(output, exec, "alice"));

        Assert.Equal("KubeExecPluginOutputInvalid", error.ErrorId);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    private string WriteExecKubeConfig(FakeKubernetesApi api, string command)
    {
        var text = File.ReadAllText(api.KubeConfigPath).Replace(
            "    token: token-of-fake",
            $"""
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {command}
                  interactiveMode: Never
            """,
            StringComparison.Ordinal);
        var path = Path.Combine(_folder, "exec.kubeconfig");
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteScript(string name, string body)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

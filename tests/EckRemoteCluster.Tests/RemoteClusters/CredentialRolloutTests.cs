using System.Security;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Engine.RemoteClusters;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// The credential rollout shared by Add-RemoteClusterCredential and Move-RemoteClusterToApiKey: Elasticsearch opens
/// every addressed node's keystore with the one password a reload carries, so mixed keystores need one request per group.
/// </summary>
public sealed class CredentialRolloutTests
{
    private static readonly CredentialNode Open = new("node-1", PasswordProtected: false);
    private static readonly CredentialNode Protected = new("node-2", PasswordProtected: true);

    [Fact]
    public async Task MixedKeystoresAreReloadedPerGroupAddressedByNodeName()
    {
        var client = new ReloadingClient();

        var reloads = await Rollout(client).ReloadAsync(Local(client), [Open, Protected], Password(), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(2, client.Requests.Count);
        Assert.Contains(client.Requests, r => r.Path == "/_nodes/node-2/reload_secure_settings" && (string?)r.Body?["secure_settings_password"] == "s3cret");
        Assert.Contains(client.Requests, r => r.Path == "/_nodes/node-1/reload_secure_settings" && r.Body is null);
        Assert.Equal([SecureSettingsReload.Reloaded, SecureSettingsReload.Reloaded], reloads.Select(r => r.Reload));
        Assert.Equal([Open, Protected], reloads.Select(r => r.Node));
    }

    [Fact]
    public async Task KeystoresOpenedAlikeGetOneRequestForAllNodes()
    {
        var client = new ReloadingClient(openNodes: []);

        var reloads = await Rollout(client).ReloadAsync(Local(client), [Protected with { NodeName = "node-1" }, Protected], Password(), new RecordingReporter(), CancellationToken.None);

        var request = Assert.Single(client.Requests);
        Assert.Equal("/_nodes/reload_secure_settings", request.Path);
        Assert.All(reloads, r => Assert.Equal(SecureSettingsReload.Reloaded, r.Reload));
    }

    [Fact]
    public async Task WithoutEveryNodeNameTheReloadGoesToAllNodesAtOnce()
    {
        var client = new ReloadingClient();

        var reloads = await Rollout(client).ReloadAsync(Local(client), [Open with { NodeName = null }, Protected], Password(), new RecordingReporter(), CancellationToken.None);

        Assert.Equal("/_nodes/reload_secure_settings", Assert.Single(client.Requests).Path);
        // The node whose name is unknown cannot be matched to an answer: not reported as reloaded.
        Assert.Equal([SecureSettingsReload.NotRequested, SecureSettingsReload.Reloaded], reloads.Select(r => r.Reload));
    }

    [Fact]
    public async Task ANodeThatCannotOpenItsKeystoreIsReportedFailedWithElasticsearchsReason()
    {
        var client = new ReloadingClient();

        // Every node sent the password, as a reload without grouping would: the open keystore refuses it.
        var reloads = await Rollout(client).ReloadAsync(Local(client), [Open with { PasswordProtected = true }, Protected], Password(), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(SecureSettingsReload.Failed, reloads[0].Reload);
        Assert.Equal("Provided keystore password was incorrect", reloads[0].Failure);
        Assert.Equal(SecureSettingsReload.Reloaded, reloads[1].Reload);
    }

    [Theory]
    [InlineData("8.13.4", false)]
    [InlineData("8.14.0", true)]
    [InlineData("9.1.0", true)]
    public void TheApiKeyModelNeeds814(string version, bool supported)
    {
        var client = new ReloadingClient();
        var local = Local(client, version);

        var error = Record.Exception(() => Rollout(client).EnsureApiKeyModelSupported(local));

        if (supported)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Equal("ApiKeyModelUnsupportedVersion", Assert.IsType<EckRemoteClusterException>(error).ErrorId);
        }
    }

    [Fact]
    public async Task NoKeyIsSupersededBeforeTheAliasIsRegistered()
    {
        var client = new ReloadingClient();
        var key = new CrossClusterApiKey("new-id", "to-dc1", "remote", "dc1", ["logs-*"], [], "{}", null, null, false, null, new Dictionary<string, object?>(), null, null)
        {
            Connection = Local(client),
        };

        var superseded = await Rollout(client).FindSupersededKeysAsync(Local(client), "dc1", key, new RecordingReporter(), CancellationToken.None);

        Assert.Empty(superseded);
        Assert.Equal(["GET /_remote/info"], client.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    private static CredentialRollout Rollout(IElasticsearchClient client) => new(new RemoteClusterService(), new CrossClusterApiKeyService());

    private static ElasticsearchConnection Local(IElasticsearchClient client, string version = "9.1.0") =>
        new(client, "local", null, version, "elastic", "realm", "Direct", ["https://es1:9200"], null);

    private static SecureString Password()
    {
        var password = new SecureString();
        foreach (var c in "s3cret")
        {
            password.AppendChar(c);
        }

        password.MakeReadOnly();
        return password;
    }

    /// <summary>
    /// Two nodes as Elasticsearch answers a reload: the keystores of <paramref name="openNodes"/> (node-1 by default)
    /// have no password, so any password sent fails them; the others need one. A request addressed by node name
    /// reaches only those nodes.
    /// </summary>
    private sealed class ReloadingClient(string[]? openNodes = null) : IElasticsearchClient
    {
        private readonly string[] _openNodes = openNodes ?? ["node-1"];

        public List<(string Method, string Path, JsonNode? Body)> Requests { get; } = [];

        public string Description => "https://es1:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            Requests.Add((method, path, jsonBody?.DeepClone()));
            if (path == "/_remote/info")
            {
                return Task.FromResult(new ElasticsearchResponse(200, new JsonObject()));
            }

            var addressed = path.StartsWith("/_nodes/reload", StringComparison.Ordinal)
                ? ["node-1", "node-2"]
                : path.Split('/')[2].Split(',');
            var withPassword = jsonBody?["secure_settings_password"] is not null;
            var nodes = new JsonObject();
            foreach (var name in addressed)
            {
                var node = new JsonObject { ["name"] = name };
                var fails = _openNodes.Contains(name) ? withPassword : !withPassword;
                if (fails)
                {
                    node["reload_exception"] = new JsonObject
                    {
                        ["type"] = "security_exception",
                        ["reason"] = withPassword ? "Provided keystore password was incorrect" : "Keystore is password-protected; a password is required",
                    };
                }

                nodes["id-" + name] = node;
            }

            return Task.FromResult(new ElasticsearchResponse(200, new JsonObject { ["nodes"] = nodes }));
        }
    }
}

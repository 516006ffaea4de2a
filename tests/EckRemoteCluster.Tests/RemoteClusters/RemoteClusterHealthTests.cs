using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine;
using EckRemoteCluster.Engine.Diagnosis;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Engine.RemoteClusters;
using EckRemoteCluster.Tests.Kubernetes;
using EckRemoteCluster.Tests.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Get-RemoteClusterHealth's judgement of the evidence (days left, drift, findings and their fixes) and Watch-RemoteCluster's
/// changes; then the whole check against node directories on disk and stand-in clusters, with a secret that must never show.
/// </summary>
public sealed class RemoteClusterHealthTests : IDisposable
{
    private const string Alias = "prod-eck";
    // Midnight today: the remote judges expiry by the real clock, so the test's clock must not run ahead of it.
    private static readonly DateTime Now = DateTime.UtcNow.Date;
    private static readonly HealthThresholds Defaults = new(30, 7);
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static RemoteClusterTestResult Connected(bool connected = true, string? cause = null) =>
        new(Alias, connected, "proxy", "10.0.0.7:9443", null, RemoteClusterSecurityModel.ApiKey, null, cause,
            cause is null ? null : "the evidence", cause is null ? null : "the diagnosis's fix", []);

    private static CaCertificate Ca(string name, int daysLeft, string source = "node") => new(name.PadRight(64, '0'), "CN=" + name, Now.AddDays(daysLeft).AddHours(1), source);

    private static RemoteClusterHealthEvidence Evidence(RemoteKeyEvidence? key = null) => new()
    {
        Alias = Alias,
        Now = Now,
        Test = Connected(),
        Keystores = [new("/es1", true, "key-1"), new("/es2", true, "key-1")],
        RemoteKey = key,
    };

    private static RemoteKeyEvidence Key(int? daysLeft, string state = RemoteKeyState.Active) =>
        new("key-1", state, "is active") { Expiration = daysLeft is { } d ? new DateTimeOffset(Now.AddDays(d).AddHours(1)) : null };

    [Fact]
    public void AHealthyConnectionHasNoFindings()
    {
        var health = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(null)), Defaults);

        Assert.Equal(RemoteClusterHealthStatus.Healthy, health.Status);
        Assert.Empty(health.Findings);
        Assert.Equal("key-1", health.ApiKeyId);
        Assert.Null(health.ApiKeyExpiresInDays);
        Assert.Empty(health.CredentialDrift!);
        Assert.Equal("ApiKey", health.SecurityModel);
    }

    [Theory]
    [InlineData(45, RemoteClusterHealthStatus.Healthy)]
    [InlineData(30, RemoteClusterHealthStatus.Warning)]
    [InlineData(8, RemoteClusterHealthStatus.Warning)]
    [InlineData(7, RemoteClusterHealthStatus.Error)]
    [InlineData(0, RemoteClusterHealthStatus.Error)]
    public void AKeyExpiringWithinTheThresholdsIsFixedByUpdateRemoteClusterCredential(int daysLeft, string status)
    {
        var health = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(daysLeft)), Defaults);

        Assert.Equal(daysLeft, health.ApiKeyExpiresInDays);
        Assert.Equal(status, health.Status);
        if (status != RemoteClusterHealthStatus.Healthy)
        {
            var finding = Assert.Single(health.Findings);
            Assert.Equal(nameof(HealthFindingCode.ApiKeyExpiring), finding.Code);
            Assert.Equal("Update-RemoteClusterCredential", finding.FixedBy);
            Assert.Contains("key-1", finding.Evidence);
        }
    }

    [Theory]
    [InlineData(RemoteKeyState.Invalidated)]
    [InlineData(RemoteKeyState.Missing)]
    [InlineData(RemoteKeyState.Expired)]
    [InlineData(RemoteKeyState.RestType)]
    public void AKeyTheRemoteWillNotAcceptIsAnErrorFixedWithANewKey(string state)
    {
        var finding = Assert.Single(RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(null, state)), Defaults).Findings);

        Assert.Equal((nameof(HealthFindingCode.ApiKeyUnusable), RemoteClusterHealthStatus.Error, "Add-RemoteClusterCredential"), (finding.Code, finding.Severity, finding.FixedBy));
    }

    [Fact]
    public void AKeyThatCouldNotBeReadIsAWarningNotAFailure()
    {
        var health = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(null, RemoteKeyState.Unreadable)), Defaults);

        Assert.Equal(RemoteClusterHealthStatus.Warning, health.Status);
        Assert.Equal(nameof(HealthFindingCode.RemoteKeyUnreadable), Assert.Single(health.Findings).Code);
        Assert.Null(health.ApiKeyExpiresInDays);
    }

    [Fact]
    public void ANodeWithoutTheCredentialIsCredentialDriftAndAnError()
    {
        var evidence = Evidence() with { Keystores = [new("/es1", true, "key-1"), new("/es2", false, null), new("/es3", true, "key-1")] };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(["/es2"], health.CredentialDrift!);
        Assert.Equal(RemoteClusterHealthStatus.Error, health.Status);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((nameof(HealthFindingCode.CredentialMissingOnNodes), "Add-RemoteClusterCredential"), (finding.Code, finding.FixedBy));
        Assert.Contains("/es2", finding.Evidence);
    }

    [Fact]
    public void ANodeHoldingAnotherKeyIsDriftAndTheKeyMostNodesHoldIsTheAliassKey()
    {
        var evidence = Evidence() with { Keystores = [new("/es1", true, "old-key"), new("/es2", true, "key-1"), new("/es3", true, "key-1")] };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal("key-1", health.ApiKeyId);
        Assert.Equal(["/es1"], health.CredentialDrift!);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((nameof(HealthFindingCode.CredentialDiffersOnNodes), RemoteClusterHealthStatus.Warning), (finding.Code, finding.Severity));
    }

    [Fact]
    public void TheCertificateModelExpectsNoCredential()
    {
        var evidence = Evidence() with
        {
            Test = new RemoteClusterTestResult(Alias, true, "proxy", "10.0.0.7:9300", null, RemoteClusterSecurityModel.Certificate, null, null, null, null, []),
            Keystores = [new("/es1", false, null), new("/es2", false, null)],
        };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Empty(health.Findings);
        Assert.Empty(health.CredentialDrift!);
        Assert.Equal("Certificate", health.SecurityModel);
    }

    [Fact]
    public void TheEarliestCaAmongTheNodesTheServedChainAndEckIsCaExpiresInDays()
    {
        var eck = Ca("eck", 400, "ECK");
        var evidence = Evidence() with
        {
            NodeCas = [new("/es1", [eck], [eck]), new("/es2", [eck, Ca("other-remote", 200)], [eck])],
            Served = [Ca("served-intermediate", 20, "served")],
            EckCa = [eck],
            EckName = "elastic/quickstart",
        };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(20, health.CaExpiresInDays);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((nameof(HealthFindingCode.CaExpiring), RemoteClusterHealthStatus.Warning, "Sync-RemoteClusterTrust"), (finding.Code, finding.Severity, finding.FixedBy));
        Assert.Contains("CN=served-intermediate", finding.Evidence);
        Assert.Contains("-Namespace elastic -Name quickstart", finding.RecommendedAction);
        Assert.Empty(health.TrustDrift!);
    }

    [Fact]
    public void ASharedCaFileCountsOnlyTheCaTheServedChainLeadsToNotTheOtherEckClustersCas()
    {
        var mine = Ca("eck-a", 300);
        var superseded = Ca("eck-a-old", 3);
        var otherCluster = Ca("eck-b", 10);
        var shared = new[] { mine, superseded, otherCluster };
        var evidence = Evidence() with
        {
            NodeCas = [new("/es1", shared, shared), new("/es2", shared, shared)],
            Served = [],
            ServedAnchors = [mine.Thumbprint],
        };

        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(300, health.CaExpiresInDays);
        Assert.DoesNotContain(health.Findings, f => f.Code is nameof(HealthFindingCode.CaExpiring) or nameof(HealthFindingCode.CaExpired));
    }

    [Fact]
    public void WithoutAServedChainASharedCaFileCountsEcksCurrentCa()
    {
        var mine = Ca("eck-a", 300);
        var shared = new[] { mine, Ca("eck-b", 10) };
        var evidence = Evidence() with { NodeCas = [new("/es1", shared, shared)], EckCa = [mine], EckName = "elastic/a" };

        Assert.Equal(300, RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults).CaExpiresInDays);
    }

    [Fact]
    public void TheServedChainsAnchorIsTheNodeCaThatSignedItAndAnExpiredOneStillCounts()
    {
        using var mine = NewCa("eck-a", Now.AddDays(-1));
        using var other = NewCa("eck-b", Now.AddDays(100));
        using var sameName = NewCa("eck-a", Now.AddDays(100));
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=quickstart-es-default-0", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var leaf = leafRequest.Create(mine, Now.AddDays(-2), Now.AddDays(-1).AddHours(-1), [1, 2, 3, 4]);

        var anchors = RemoteClusterHealthService.Anchors([leaf], [other, sameName, mine]);

        Assert.Equal([mine.GetCertHashString(HashAlgorithmName.SHA256)], anchors);
        Assert.Empty(RemoteClusterHealthService.Anchors([], [mine]));
    }

    private static X509Certificate2 NewCa(string name, DateTime notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(Now.AddDays(-3), notAfter);
    }

    [Fact]
    public void AnExpiredCaIsAnError()
    {
        var evidence = Evidence() with { NodeCas = [new("/es1", [Ca("old", -2)], null), new("/es2", [Ca("old", -2)], null)] };
        var finding = Assert.Single(RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults).Findings);

        Assert.Equal((nameof(HealthFindingCode.CaExpired), RemoteClusterHealthStatus.Error), (finding.Code, finding.Severity));
    }

    [Fact]
    public void ANodeThatDoesNotTrustEcksCurrentCaIsTrustDriftFixedBySyncRemoteClusterTrust()
    {
        var current = Ca("eck-2027", 365);
        var evidence = Evidence() with
        {
            NodeCas = [new("/es1", [current], [current]), new("/es2", [Ca("eck-2026", 300)], [Ca("eck-2026", 300)])],
            EckCa = [current],
            EckName = "elastic/quickstart",
        };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(["/es2"], health.TrustDrift!);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((nameof(HealthFindingCode.TrustDrift), RemoteClusterHealthStatus.Error, "Sync-RemoteClusterTrust"), (finding.Code, finding.Severity, finding.FixedBy));
        Assert.Contains("CN=eck-2026", finding.Evidence);
    }

    [Fact]
    public void ACaFileWithMoreThanEcksCaIsAWarningFixedByAddRemoteClusterTrust()
    {
        var current = Ca("eck", 365);
        var edited = new[] { current, Ca("hand-added", 365) };
        var evidence = Evidence() with { NodeCas = [new("/es1", [current], [current]), new("/es2", edited, edited)], EckCa = [current], EckName = "elastic/quickstart" };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(["/es2"], health.TrustDrift!);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((RemoteClusterHealthStatus.Warning, "Add-RemoteClusterTrust"), (finding.Severity, finding.FixedBy));
    }

    [Fact]
    public void WithoutEckTheNodeThatTrustsOtherwiseThanMostIsTrustDrift()
    {
        var usual = Ca("eck", 365);
        var evidence = Evidence() with { NodeCas = [new("/es1", [usual], [usual]), new("/es2", [Ca("unrelated", 365)], null), new("/es3", [usual], [usual])] };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(["/es2"], health.TrustDrift!);
        Assert.Equal(RemoteClusterHealthStatus.Warning, health.Status);
    }

    [Fact]
    public void ADownConnectionIsAnErrorCarryingTheDiagnosisAndItsCmdlet()
    {
        var evidence = Evidence() with { Test = Connected(false, nameof(RemoteConnectionCause.ProxyUnreachable)) };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.False(health.Connected);
        var finding = Assert.Single(health.Findings);
        Assert.Equal((nameof(HealthFindingCode.NotConnected), RemoteClusterHealthStatus.Error, "Connect-RemoteCluster"), (finding.Code, finding.Severity, finding.FixedBy));
        Assert.Equal("the diagnosis's fix", finding.RecommendedAction);
        Assert.Contains("ProxyUnreachable", finding.Evidence);
    }

    [Fact]
    public void ALocalClusterThatDoesNotAnswerIsAFinding()
    {
        var evidence = Evidence() with { Test = null, TestFailure = ("Elasticsearch at https://es1:9200 answered 503", "Check the cluster.") };
        var health = RemoteClusterHealthEvaluator.Evaluate(evidence, Defaults);

        Assert.Equal(nameof(HealthFindingCode.LocalClusterUnanswered), Assert.Single(health.Findings).Code);
        Assert.Equal(RemoteClusterHealthStatus.Error, health.Status);
    }

    [Theory]
    [InlineData(7, 30)]
    [InlineData(-1, 0)]
    [InlineData(30, -1)]
    public void ThresholdsThatAreNotOrderedAreRefused(int warningDays, int errorDays)
    {
        var service = new RemoteClusterHealthService(new RemoteClusterService(), null!, new NodeConfigService());
        var error = Assert.Throws<EckRemoteClusterException>(() => service.Validate(new HealthThresholds(warningDays, errorDays)));

        Assert.Equal(ErrorIds.InvalidHealthThreshold, error.ErrorId);
    }

    [Fact]
    public void AWatchReportsTheFirstCheckAndThenOnlyChanges()
    {
        var healthy = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(100)), Defaults);
        var sameAgainLater = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(99)), Defaults);
        var lost = RemoteClusterHealthEvaluator.Evaluate(Evidence(Key(99)) with { Keystores = [new("/es1", true, "key-1"), new("/es2", false, null)] }, Defaults);

        Assert.StartsWith("first check: Connected True, Healthy", Assert.Single(RemoteClusterHealthEvaluator.Changes(null, healthy)));
        Assert.Empty(RemoteClusterHealthEvaluator.Changes(healthy, sameAgainLater));
        var changes = RemoteClusterHealthEvaluator.Changes(sameAgainLater, lost);
        Assert.Contains("Status: Healthy -> Error", changes);
        Assert.Contains(changes, c => c.StartsWith("+ CredentialMissingOnNodes (Error)", StringComparison.Ordinal));
        Assert.Contains("CredentialDrift: [] -> [/es2]", changes);
        Assert.Contains("- CredentialMissingOnNodes (Error)", RemoteClusterHealthEvaluator.Changes(lost, healthy));
    }

    // The whole check: two node directories on disk, a stand-in local and remote cluster.

    private const string KeyId = "VuaCfGcBCdbkQm-e5aOx";
    private const string Secret = "ui2lp2axTNmsyakw9tvNnw";

    private string Node(string name, string? credential, string? caPem)
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"),
            "cluster.name: local\nnode.name: " + name + "\n" + (caPem is null ? "" : "xpack.security.remote_cluster_client.ssl.certificate_authorities: [ remote-cluster-ca.crt ]\n"));
        if (caPem is not null)
        {
            File.WriteAllText(Path.Combine(directory, "remote-cluster-ca.crt"), caPem);
        }

        using var keystore = ElasticsearchKeystore.Create(ElasticsearchKeystore.LatestVersion, []);
        if (credential is not null)
        {
            keystore.Set($"cluster.remote.{Alias}.credentials", Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(credential))));
        }

        keystore.Save(Path.Combine(directory, ElasticsearchKeystore.FileName));
        return directory;
    }

    private static string CaPem(string name, DateTime notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(Now.AddDays(-1), notAfter);
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public async Task TheCheckReadsTheKeyOnTheRemoteTheNodesAndTheirCaFilesWithoutTheSecret()
    {
        var ca = CaPem("eck-ca", Now.AddDays(200));
        var nodes = new[] { Node("es1", $"{KeyId}:{Secret}", ca), Node("es2", null, ca) }.Select(p => new NodeDirectory(LocalNodeFiles.Instance, p)).ToList();
        var local = new StandInCluster();
        var remote = new StandInCluster { KeyExpiration = Now.AddDays(5) };
        var service = new RemoteClusterHealthService(new RemoteClusterService(), null!, new NodeConfigService()) { Clock = () => Now };
        var request = new RemoteClusterHealthRequest(local, "9.1.0", nodes, null, remote, null, Defaults);

        var health = Assert.Single(await service.CheckAsync(request, [Alias], new RecordingReporter(), CancellationToken.None));

        Assert.True(health.Connected);
        Assert.Equal(KeyId, health.ApiKeyId);
        Assert.Equal(5, health.ApiKeyExpiresInDays);
        Assert.Equal(200, health.CaExpiresInDays);
        Assert.Equal([nodes[1].ToString()], health.CredentialDrift!);
        Assert.Empty(health.TrustDrift!);
        Assert.Equal(RemoteClusterHealthStatus.Error, health.Status);
        Assert.Equal(
            [nameof(HealthFindingCode.CredentialMissingOnNodes), nameof(HealthFindingCode.ApiKeyExpiring)],
            health.Findings.Select(f => f.Code));
        Assert.Equal(["GET /_security/api_key?id=" + KeyId], remote.Requests);
        var everything = string.Join("\n", health.Findings.Select(f => f.Evidence + f.RecommendedAction)) + System.Text.Json.JsonSerializer.Serialize(health);
        Assert.DoesNotContain(Secret, everything);
    }

    [Fact]
    public async Task AWatchEmitsWhenTheConnectionDropsAndStopsWhenCancelled()
    {
        var local = new StandInCluster();
        var service = new RemoteClusterHealthService(new RemoteClusterService { SettleTimeout = TimeSpan.Zero }, null!, new NodeConfigService()) { Clock = () => Now };
        var request = new RemoteClusterHealthRequest(local, "9.1.0", null, null, null, null, Defaults);
        var changes = new List<RemoteClusterHealthChange>();
        using var stop = new CancellationTokenSource();
        var watch = service.WatchAsync(request, null, TimeSpan.FromMilliseconds(1), change =>
        {
            changes.Add(change);
            if (changes.Count == 1)
            {
                local.Connected = false;
            }
            else
            {
                stop.Cancel();
            }

            return Task.CompletedTask;
        }, new RecordingReporter(), stop.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        Assert.Equal(2, changes.Count);
        Assert.Null(changes[0].PreviousStatus);
        Assert.Equal((true, false, RemoteClusterHealthStatus.Error), (changes[1].PreviousConnected!.Value, changes[1].Connected, changes[1].Status));
        Assert.Contains("Connected: True -> False", changes[1].Changes);
        // Two rounds, each listing the remotes and checking the one: nothing polls in between.
        Assert.Equal(4, local.Requests.Count(r => r == "GET /_remote/info"));
    }

    /// <summary>A local cluster with one proxy-mode remote (nothing listens at its address), and the remote's API key.</summary>
    private sealed class StandInCluster : IElasticsearchClient
    {
        public bool Connected { get; set; } = true;

        public DateTime? KeyExpiration { get; init; }

        public List<string> Requests { get; } = [];

        public string Description => "https://stand-in:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            Requests.Add($"{method} {path}");
            JsonNode body = path switch
            {
                "/_remote/info" => new JsonObject
                {
                    [Alias] = new JsonObject
                    {
                        ["connected"] = Connected,
                        ["mode"] = "proxy",
                        ["proxy_address"] = "127.0.0.1:9",
                        ["server_name"] = "",
                        ["num_proxy_sockets_connected"] = Connected ? 18 : 0,
                        ["max_proxy_socket_connections"] = 18,
                        ["skip_unavailable"] = true,
                        ["cluster_credentials"] = "::es_redacted::",
                    },
                },
                _ when path.StartsWith("/_resolve/cluster/", StringComparison.Ordinal) => new JsonObject
                {
                    [Alias] = Connected
                        ? new JsonObject { ["connected"] = true, ["skip_unavailable"] = true, ["version"] = new JsonObject { ["number"] = "9.1.0" } }
                        : new JsonObject { ["connected"] = false, ["skip_unavailable"] = true, ["error"] = "Unable to connect to [prod-eck]" },
                },
                _ when path.StartsWith("/_security/api_key", StringComparison.Ordinal) => new JsonObject
                {
                    ["api_keys"] = new JsonArray(new JsonObject
                    {
                        ["id"] = KeyId,
                        ["name"] = "to-local",
                        ["type"] = "cross_cluster",
                        ["creation"] = new DateTimeOffset(Now.AddDays(-1)).ToUnixTimeMilliseconds(),
                        ["expiration"] = KeyExpiration is { } at ? new DateTimeOffset(at).ToUnixTimeMilliseconds() : null,
                        ["invalidated"] = false,
                    }),
                },
                _ => new JsonObject { ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = 0 }, ["hits"] = new JsonArray() } },
            };
            return Task.FromResult(new ElasticsearchResponse(200, JsonNode.Parse(body.ToJsonString())));
        }
    }
}

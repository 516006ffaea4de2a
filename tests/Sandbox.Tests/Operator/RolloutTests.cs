using System.Text;
using System.Text.Json.Nodes;
using Sandbox.Operator;
using Xunit;

namespace Sandbox.Tests.Operator;

public sealed class RolloutTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    [Fact]
    public async Task EnablingRemoteClusterServerRollsPodsOneByOneVisiblyToWatchers()
    {
        fixture.CreateCluster("roll", "rc", "9.1.0", remoteClusterServer: false);
        var ready = await fixture.WaitReadyAsync("roll", "rc");
        var restartsBefore = fixture.Fleet.Restarts.Count(r => r.StartsWith("roll/", StringComparison.Ordinal));

        fixture.PatchSpec("roll", "rc", spec => spec["remoteClusterServer"] = new JsonObject { ["enabled"] = true });
        await fixture.WaitReadyAsync("roll", "rc", minGeneration: 2);

        var history = fixture.StatusHistory["roll/rc"].ToList();
        var applying = history.Where(s => (string?)s["phase"] == "ApplyingChanges").ToList();
        Assert.True(applying.Count > 0, string.Join("\n", history.Select(h => h.ToJsonString())));
        Assert.True(fixture.Fleet.Restarts.Count(r => r.StartsWith("roll/", StringComparison.Ordinal)) == restartsBefore + 3,
            "restarts: " + string.Join(",", fixture.Fleet.Restarts) + " error: " + fixture.Operator.LastError);
        Assert.True(applying.Any(s => s["conditions"]!.AsArray().Any(c =>
            (string?)c!["type"] == "ReconciliationComplete" && (string?)c["status"] == "False" && (string?)c["message"] == "Nodes upgrade in progress")), string.Join("\n", applying.Select(h => h.ToJsonString())));
        var nodeStates = applying.SelectMany(s => (s["inProgressOperations"]?["upgrade"]?["nodes"] as JsonArray) ?? []).Select(n => (string?)n!["status"]).ToHashSet();
        Assert.Contains("PENDING", nodeStates);
        Assert.Contains("DELETED", nodeStates);
        Assert.Contains(applying, s => (int?)s["availableNodes"] == 2 && (string?)s["health"] == "yellow");

        Assert.Equal(["roll/rc-es-default-2", "roll/rc-es-default-1", "roll/rc-es-default-0"],
            fixture.Fleet.Restarts.Where(r => r.StartsWith("roll/", StringComparison.Ordinal)).Skip(restartsBefore).ToArray());
        Assert.True(fixture.Fleet.SpecOf("roll", "rc")!.RemoteClusterServerEnabled);

        var service = fixture.Store.Get("Service", "roll", "rc-es-remote-cluster")!;
        Assert.Equal("None", (string?)service["spec"]!["clusterIP"]);
        Assert.True((bool?)service["spec"]!["publishNotReadyAddresses"]);
        Assert.Equal("rcs", (string?)service["spec"]!["ports"]![0]!["name"]);
        Assert.Equal(9443, (int?)service["spec"]!["ports"]![0]!["port"]);
        Assert.Equal("rc", (string?)service["spec"]!["selector"]!["elasticsearch.k8s.elastic.co/cluster-name"]);
        Assert.Equal("elasticsearch", (string?)service["spec"]!["selector"]!["common.k8s.elastic.co/type"]);
        var final = fixture.Store.Get("Elasticsearch", "roll", "rc")!["status"]!;
        Assert.Equal("green", (string?)final["health"]);
        Assert.Equal(3, (int?)final["availableNodes"]);
        Assert.NotEqual(ready["metadata"]!["uid"]!.ToString(), string.Empty);

        fixture.PatchSpec("roll", "rc", spec => spec["remoteClusterServer"] = new JsonObject { ["enabled"] = false });
        await fixture.WaitReadyAsync("roll", "rc", minGeneration: 3);
        Assert.Null(fixture.Store.Get("Service", "roll", "rc-es-remote-cluster"));
    }

    [Fact]
    public async Task VersionUpgradeReportsLowestRunningVersionUntilEveryPodRestarted()
    {
        fixture.CreateCluster("upg", "up", "9.0.0", remoteClusterServer: false);
        await fixture.WaitReadyAsync("upg", "up");
        fixture.PatchSpec("upg", "up", spec => spec["version"] = "9.1.0");
        await fixture.WaitReadyAsync("upg", "up", minGeneration: 2);

        var history = fixture.StatusHistory["upg/up"].ToList();
        static JsonObject? RunningDesired(JsonObject status) =>
            status["conditions"]!.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "RunningDesiredVersion");
        var upgrading = history.Where(s => (string?)RunningDesired(s)?["status"] == "False").ToList();
        Assert.NotEmpty(upgrading);
        Assert.All(upgrading, s =>
        {
            Assert.Equal("Upgrading from 9.0.0 to 9.1.0", (string?)RunningDesired(s)!["message"]);
            Assert.Equal("9.0.0", (string?)s["version"]);
        });
        var final = fixture.Store.Get("Elasticsearch", "upg", "up")!["status"]!.AsObject();
        Assert.Equal("9.1.0", (string?)final["version"]);
        Assert.Equal("True", (string?)RunningDesired(final)!["status"]);
        Assert.Equal("All nodes are running version 9.1.0", (string?)RunningDesired(final)!["message"]);
    }

    [Fact]
    public async Task RemoteClusterServerBelow810IsRefusedAtAdmissionWithEckMessageAndNothingChanges()
    {
        fixture.CreateCluster("old", "legacy", "8.9.2", remoteClusterServer: false);
        var ready = await fixture.WaitReadyAsync("old", "legacy");
        var restartsBefore = fixture.Fleet.Restarts.Count;

        var refused = Assert.Throws<Sandbox.Kubernetes.KubernetesStatusException>(() =>
        {
            var es = fixture.Store.Get("Elasticsearch", "old", "legacy")!;
            es["spec"]!["remoteClusterServer"] = new JsonObject { ["enabled"] = true };
            fixture.Store.Update(es);
        });

        // ECK up to 3.3 answers admission.Denied(err.Error()): 403 Forbidden, the API server prefixes the webhook's name.
        Assert.Equal(403, refused.Code);
        Assert.Equal("Forbidden", refused.Reason);
        Assert.Null(refused.Details);
        Assert.Equal(
            "admission webhook \"elastic-es-validation-v1.k8s.elastic.co\" denied the request: Elasticsearch.elasticsearch.k8s.elastic.co \"legacy\" is invalid: "
            + "spec.remoteClusterServer: Invalid value: \"8.9.2\": minimum required version for remote cluster server is 8.10.0-1 but desired version is 8.9.2",
            refused.Message);
        var stored = fixture.Store.Get("Elasticsearch", "old", "legacy")!;
        Assert.Equal((long?)ready["metadata"]!["generation"], (long?)stored["metadata"]!["generation"]);
        Assert.False((bool?)stored["spec"]!["remoteClusterServer"]!["enabled"]);
        Assert.Equal("Ready", (string?)stored["status"]!["phase"]);
        Assert.DoesNotContain(fixture.Store.Events, e => e.Involved == "legacy" && e.Reason == "Validation");
        Assert.Equal(restartsBefore, fixture.Fleet.Restarts.Count);
        Assert.Null(fixture.Store.Get("Service", "old", "legacy-es-remote-cluster"));
    }

    [Fact]
    public async Task AnInvalidSpecStoredWhileTheWebhookWasDownIsMarkedInvalidByTheReconciler()
    {
        // failurePolicy ignore: with the operator (and its webhook) away, the API server stores the object unchecked.
        var store = new ApiServerStore();
        store.EnsureNamespace("down");
        store.Create(new JsonObject
        {
            ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1",
            ["kind"] = "Elasticsearch",
            ["metadata"] = new JsonObject { ["name"] = "unchecked", ["namespace"] = "down" },
            ["spec"] = new JsonObject
            {
                ["version"] = "8.9.2",
                ["nodeSets"] = new JsonArray(new JsonObject { ["name"] = "default", ["count"] = 1 }),
                ["remoteClusterServer"] = new JsonObject { ["enabled"] = true },
            },
        });
        await using var eck = new EckOperator(store, null, new EckOperatorOptions("3.3.0", "9.1.0", 3, SeedQuickstart: false), new RolloutPace(RolloutSpeed.Instant));
        await eck.StartAsync(CancellationToken.None);

        await OperatorFixture.WaitForAsync(() => (string?)store.Get("Elasticsearch", "down", "unchecked")?["status"]?["phase"] == "Invalid");
        Assert.Contains(store.Events, e => e.Type == "Warning" && e.Reason == "Validation" && e.Involved == "unchecked" && e.Message ==
            "Elasticsearch.elasticsearch.k8s.elastic.co \"unchecked\" is invalid: spec.remoteClusterServer: Invalid value: \"8.9.2\": minimum required version for remote cluster server is 8.10.0-1 but desired version is 8.9.2");
        Assert.Empty(store.List("Pod", "down"));
    }

    [Fact]
    public async Task ConfigMapCasAreAppendedAndMissingKeyIsReported()
    {
        fixture.Store.EnsureNamespace("trust");
        fixture.Store.Create(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "remote-certs", ["namespace"] = "trust" },
            ["data"] = new JsonObject { ["wrong.crt"] = "x" },
        });
        fixture.CreateCluster("trust", "tc", "9.1.0", remoteClusterServer: false, new JsonObject
        {
            ["transport"] = new JsonObject { ["tls"] = new JsonObject { ["certificateAuthorities"] = new JsonObject { ["configMapName"] = "remote-certs" } } },
        });
        await OperatorFixture.WaitForAsync(() => fixture.Store.Events.Any(e => e.Involved == "tc"));
        Assert.Contains(fixture.Store.Events, e => e.Type == "Warning" && e.Reason == "ReconciliationError" && e.Message ==
            "Reconciliation error: config map trust/remote-certs specified in spec.transport.tls.certificateAuthorities must contain ca.crt file");

        using var selfManagedCa = Sandbox.Pki.CertificateAuthority.Create("self-managed-ca", "local");
        var configMap = fixture.Store.Get("ConfigMap", "trust", "remote-certs")!;
        configMap["data"] = new JsonObject { ["ca.crt"] = Sandbox.Pki.CertificatePem.Certificate(selfManagedCa.Certificate) };
        fixture.Store.Update(configMap);

        await fixture.WaitReadyAsync("trust", "tc");
        var publicCas = OperatorReconciliationTests.Certificates(Decode(fixture.Store.Get("Secret", "trust", "tc-es-transport-certs-public")!, "ca.crt"));
        Assert.Equal(["CN=tc-transport, OU=tc", "CN=self-managed-ca, OU=local"], publicCas.Select(c => c.Subject).ToArray());
        Assert.Contains(fixture.Fleet.SpecOf("trust", "tc")!.TransportTrustedCas.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>(),
            c => c.Thumbprint == selfManagedCa.Certificate.Thumbprint);
    }

    [Fact]
    public async Task CaRenewalKeepsTheKeyAndThePodCertificatesAndRestartsNothing()
    {
        fixture.CreateCluster("rot", "ca", "9.1.0", remoteClusterServer: true);
        await fixture.WaitReadyAsync("rot", "ca");
        var before = OperatorReconciliationTests.Certificates(Decode(fixture.Store.Get("Secret", "rot", "ca-es-transport-certs-public")!, "ca.crt")).Single();
        var leafBefore = fixture.Fleet.SpecOf("rot", "ca")!.Nodes[0].TransportCertificate;
        var restarts = fixture.Fleet.Restarts.Count(r => r.StartsWith("rot/", StringComparison.Ordinal));

        Assert.True(fixture.Operator.RotateTransportCa("rot", "ca"));
        await OperatorFixture.WaitForAsync(() =>
            OperatorReconciliationTests.Certificates(Decode(fixture.Store.Get("Secret", "rot", "ca-es-transport-certs-public")!, "ca.crt")).Single().Thumbprint != before.Thumbprint);
        await fixture.Operator.WaitIdleAsync(CancellationToken.None);

        // ECK's renewCAFromExisting: same subject, key and SKI, a new certificate; the public secret holds only it.
        var after = OperatorReconciliationTests.Certificates(Decode(fixture.Store.Get("Secret", "rot", "ca-es-transport-certs-public")!, "ca.crt")).Single();
        Assert.Equal(before.Subject, after.Subject);
        Assert.Equal(before.GetPublicKeyString(), after.GetPublicKeyString());
        Assert.Equal(
            before.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier,
            after.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier);
        // The pods' certificates still chain to the renewed CA, so they are kept; no pod restarts.
        var spec = fixture.Fleet.SpecOf("rot", "ca")!;
        Assert.Equal(leafBefore.Thumbprint, spec.Nodes[0].TransportCertificate.Thumbprint);
        Assert.Contains(spec.TransportTrustedCas.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>(), c => c.Thumbprint == after.Thumbprint);
        Assert.Equal(restarts, fixture.Fleet.Restarts.Count(r => r.StartsWith("rot/", StringComparison.Ordinal)));
        Assert.False(fixture.Operator.RotateTransportCa("rot", "missing"));
    }

    [Fact]
    public async Task CaRotationWithANewKeyReissuesEveryPodCertificateWithoutARestart()
    {
        fixture.CreateCluster("rotk", "ca", "9.1.0", remoteClusterServer: true);
        await fixture.WaitReadyAsync("rotk", "ca");
        var before = Decode(fixture.Store.Get("Secret", "rotk", "ca-es-transport-certs-public")!, "ca.crt");
        var leavesBefore = fixture.Fleet.SpecOf("rotk", "ca")!.Nodes.Select(n => n.TransportCertificate.Thumbprint).ToHashSet();
        var restarts = fixture.Fleet.Restarts.Count(r => r.StartsWith("rotk/", StringComparison.Ordinal));

        Assert.True(fixture.Operator.RotateTransportCa("rotk", "ca", CaRotation.NewKey));
        await OperatorFixture.WaitForAsync(() =>
            fixture.Fleet.SpecOf("rotk", "ca")!.Nodes.All(n => !leavesBefore.Contains(n.TransportCertificate.Thumbprint))
            && Decode(fixture.Store.Get("Secret", "rotk", "ca-es-transport-certs-public")!, "ca.crt") != before);
        await fixture.Operator.WaitIdleAsync(CancellationToken.None);

        var newCa = OperatorReconciliationTests.Certificates(Decode(fixture.Store.Get("Secret", "rotk", "ca-es-transport-certs-public")!, "ca.crt")).Single();
        Assert.NotEqual(OperatorReconciliationTests.Certificates(before).Single().GetPublicKeyString(), newCa.GetPublicKeyString());
        Assert.All(fixture.Fleet.SpecOf("rotk", "ca")!.Nodes, node =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(newCa);
            Assert.True(chain.Build(node.TransportCertificate));
        });
        Assert.Equal(restarts, fixture.Fleet.Restarts.Count(r => r.StartsWith("rotk/", StringComparison.Ordinal)));
    }

    private static string Decode(JsonObject secret, string key) => Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![key]!));
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Eck;

/// <summary>
/// The ECK side of Sync-RemoteClusterTrust (certificate model) through the real Kubernetes client against a fake API
/// server: the ConfigMap of extra transport CAs keeps other clusters' CAs, gains the local cluster's new CA, and loses
/// only the CA an earlier sync recorded for this local cluster.
/// </summary>
public sealed class TransportTrustFollowingTests : IDisposable
{
    private readonly X509Certificate2 _oldLocal = Ca("CN=local-ca-2025");
    private readonly X509Certificate2 _newLocal = Ca("CN=local-ca-2026");
    private readonly X509Certificate2 _otherCluster = Ca("CN=other-cluster-ca");

    public void Dispose()
    {
        _oldLocal.Dispose();
        _newLocal.Dispose();
        _otherCluster.Dispose();
    }

    [Fact]
    public async Task ARotatedLocalCaReplacesTheRecordedOneAndLeavesOtherClustersCas()
    {
        var annotation = TransportTrustWriter.FollowedCaAnnotation("local");
        using var api = new FakeKubernetesApi(request => Answer(request, annotation));
        var eck = new EckService(new KubernetesSessions());
        var cluster = new EckCluster("quickstart", "elastic", "9.1.0", "green", "Ready", 3, false, "fake", api.KubeConfigPath, 1, 1, "1");

        var plan = await eck.PlanTransportTrustFollowingAsync(cluster, _newLocal.ExportCertificatePem(), "local", new RecordingReporter(), CancellationToken.None);
        await eck.AddTransportTrustAsync(plan, new RecordingReporter(), CancellationToken.None);

        var patch = JsonNode.Parse(api.Requests.Single(r => r.Method == "PATCH").Body)!;
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem((string)patch["data"]!["ca.crt"]!);
        Assert.Equal([_otherCluster.Thumbprint, _newLocal.Thumbprint], trusted.Select(c => c.Thumbprint).ToArray());
        Assert.Equal(_newLocal.GetCertHashString(HashAlgorithmName.SHA256), (string?)patch["metadata"]!["annotations"]![annotation]);
        Assert.Contains("remove 'CN=local-ca-2025'", plan.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstSyncOnlyRecordsAndAddsNeverRemovingWhatItDidNotRecord()
    {
        using var api = new FakeKubernetesApi(request => Answer(request, annotation: null));
        var eck = new EckService(new KubernetesSessions());
        var cluster = new EckCluster("quickstart", "elastic", "9.1.0", "green", "Ready", 3, false, "fake", api.KubeConfigPath, 1, 1, "1");

        var plan = await eck.PlanTransportTrustFollowingAsync(cluster, _newLocal.ExportCertificatePem(), "local", new RecordingReporter(), CancellationToken.None);

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(plan.CaPem);
        Assert.Equal([_otherCluster.Thumbprint, _oldLocal.Thumbprint, _newLocal.Thumbprint], trusted.Select(c => c.Thumbprint).ToArray());
    }

    private (int Status, string Body) Answer(ReceivedRequest request, string? annotation)
    {
        if (request.Method == "GET" && request.Path.Contains("/elasticsearches/quickstart", StringComparison.Ordinal))
        {
            return (200, new JsonObject
            {
                ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1", ["kind"] = "Elasticsearch",
                ["metadata"] = new JsonObject { ["name"] = "quickstart", ["namespace"] = "elastic", ["generation"] = 1, ["resourceVersion"] = "1" },
                ["spec"] = new JsonObject
                {
                    ["version"] = "9.1.0",
                    ["transport"] = new JsonObject { ["tls"] = new JsonObject { ["certificateAuthorities"] = new JsonObject { ["configMapName"] = "remote-certs" } } },
                },
            }.ToJsonString());
        }

        if (request.Path.Contains("/configmaps/remote-certs", StringComparison.Ordinal))
        {
            var metadata = new JsonObject { ["name"] = "remote-certs", ["namespace"] = "elastic", ["resourceVersion"] = "5" };
            if (annotation is not null)
            {
                metadata["annotations"] = new JsonObject { [annotation] = _oldLocal.GetCertHashString(HashAlgorithmName.SHA256) };
            }

            return (200, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata,
                ["data"] = new JsonObject { ["ca.crt"] = _otherCluster.ExportCertificatePem() + "\n" + _oldLocal.ExportCertificatePem() + "\n" },
            }.ToJsonString());
        }

        return (404, FakeKubernetesApi.NotFoundStatus(null));
    }

    private static X509Certificate2 Ca(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
    }
}

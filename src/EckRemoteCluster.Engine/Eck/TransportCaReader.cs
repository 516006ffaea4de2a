using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Reads the CAs the local cluster must trust for an ECK cluster's remote cluster server.</summary>
internal sealed class TransportCaReader(ClusterReader reader)
{
    internal static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public async Task<EckCertificateAuthority> ReadAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = reader.Session(cluster);
        var secretName = EckNames.TransportCertsPublicSecret(cluster.Name);
        reporter.Verbose($"Reading {EckNames.CaKey} of secret {cluster.Namespace}/{secretName}.");
        var secret = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("get", "secrets", cluster.Namespace, secretName, session),
            () => session.Client.CoreV1.ReadNamespacedSecretAsync(secretName, cluster.Namespace, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (secret.Data is null || !secret.Data.TryGetValue(EckNames.CaKey, out var bytes) || bytes.Length == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportCaMissing,
                EckErrorCategory.InvalidData,
                $"Secret {cluster.Namespace}/{secretName} has no {EckNames.CaKey}.",
                "ECK writes it while it reconciles the cluster: wait for the cluster to be Ready (Wait-EckCluster) and check the operator's log.",
                cluster);
        }

        var pem = Encoding.ASCII.GetString(bytes);
        var certificates = Parse(pem, cluster, secretName);
        foreach (var certificate in certificates.Where(c => c.NotAfter.ToUniversalTime() - DateTime.UtcNow < ExpiryWarning))
        {
            reporter.Warning($"CA '{certificate.Subject}' of {cluster} expires on {certificate.NotAfter.ToUniversalTime():u}. ECK rotates its CA before that; after a rotation, give the local cluster the new ca.crt (Get-EckTransportCa | Add-RemoteClusterTrust).");
        }

        return new EckCertificateAuthority(cluster.Name, cluster.Namespace, cluster.Context, certificates, pem, path: null);
    }

    internal static X509Certificate2[] Parse(string pem, object target, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportCaInvalid,
                EckErrorCategory.InvalidData,
                $"{EckNames.CaKey} of {source} is not valid PEM: {ex.Message}",
                "Look at the secret (kubectl get secret " + source + " -o yaml); ECK rewrites it when it reconciles.",
                target,
                ex);
        }

        if (collection.Count == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportCaInvalid,
                EckErrorCategory.InvalidData,
                $"{EckNames.CaKey} of {source} holds no certificate.",
                "Look at the secret (kubectl get secret " + source + " -o yaml); ECK rewrites it when it reconciles.",
                target);
        }

        return collection.ToArray();
    }
}

using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Commands;

/// <summary>What makes a certificate unfit to be trusted as a CA, checked before any file changes.</summary>
internal static class CertificateAuthorityChecks
{
    public static string ToPem(IEnumerable<X509Certificate2> certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    public static void EnsureUsable(IReadOnlyList<X509Certificate2> certificates, DateTimeOffset now)
    {
        foreach (var certificate in certificates)
        {
            if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.CertificateAuthorityExpired,
                    EckErrorCategory.InvalidData,
                    $"The CA '{certificate.Subject}' expired on {certificate.NotAfter:u}; connections signed by it would fail.",
                    "Fetch the current CA again (Get-EckTransportCa); ECK rotates its CAs before they expire.",
                    certificate.Subject);
            }

            var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (constraints is { CertificateAuthority: false })
            {
                throw new EckRemoteClusterException(
                    ErrorIds.NotACertificateAuthority,
                    EckErrorCategory.InvalidData,
                    $"'{certificate.Subject}' is not a CA certificate (its basic constraints say CA:FALSE).",
                    "Give the CA that signed the remote's certificates (ca.crt of the ECK transport-certs-public secret), not a node certificate.",
                    certificate.Subject);
            }
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// The CA file the nodes of a local cluster trust remote clusters with is shared by every link of that cluster: each
/// link adds its ECK cluster's CA to what is there and never drops another's (an old CA stays until
/// Sync-RemoteClusterTrust drops it after a rotation). A file that already holds every wanted CA is kept byte for
/// byte, so a second run writes nothing.
/// </summary>
internal static class TrustBundle
{
    public static string CaFileName(TrustScope scope) =>
        scope == TrustScope.RemoteClusterClient ? RemoteClusterNames.RemoteClusterCaFile : RemoteClusterNames.TransportCaFile;

    /// <summary>The PEM every node's CA file should hold: what the nodes have, plus the CAs of <paramref name="wantedPem"/> that are missing.</summary>
    public static string Merge(IReadOnlyList<string?> nodeFiles, string wantedPem)
    {
        var existing = nodeFiles.OfType<string>().Where(text => text.Trim().Length > 0).ToList();
        var wanted = Certificates(wantedPem);
        var have = existing.SelectMany(Certificates).ToList();
        var missing = wanted.Where(w => have.All(h => h.Thumbprint != w.Thumbprint)).ToList();
        // The first node's file is the base: on a healthy cluster every node's file is the same, and unchanged text means no write.
        var baseText = existing.FirstOrDefault(text => have.All(h => Certificates(text).Any(c => c.Thumbprint == h.Thumbprint)))
            ?? string.Concat(have.DistinctBy(c => c.Thumbprint).Select(c => c.ExportCertificatePem() + "\n"));
        if (baseText.Length == 0)
        {
            return wantedPem;
        }

        if (missing.Count == 0)
        {
            return baseText;
        }

        var merged = new StringBuilder(baseText.TrimEnd()).Append('\n');
        foreach (var certificate in missing)
        {
            merged.Append(certificate.ExportCertificatePem()).Append('\n');
        }

        return merged.ToString();
    }

    /// <summary>Every node's CA file for the scope, as text; null where a node has none.</summary>
    public static IReadOnlyList<string?> ReadNodeFiles(IReadOnlyList<NodeDirectory> nodes, TrustScope scope) => nodes.Select(node =>
    {
        var path = node.Files.Combine(node.ConfigPath, CaFileName(scope));
        return node.Files.GetInfo(path) is null ? null : Encoding.ASCII.GetString(node.Files.ReadAllBytes(path));
    }).ToList();

    private static List<X509Certificate2> Certificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A garbled file trusts nothing; merging replaces it with the wanted CAs.
        }

        return [.. collection];
    }
}

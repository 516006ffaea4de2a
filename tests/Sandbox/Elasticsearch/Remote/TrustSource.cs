using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// The trusted CAs of one SSL context of a node (e.g. <c>xpack.security.remote_cluster_client.ssl</c>). The list of PEM
/// files is fixed when the node starts (the setting is static) but each file is re-read on use, as Elasticsearch's file
/// watcher reloads a referenced CA file whose content changed. A PKCS#12 truststore is re-read on use too
/// (<paramref name="truststore"/>), as Elasticsearch's SSLConfigurationReloader also watches keystore and truststore files.
/// </summary>
public sealed class TrustSource(
    string context, IReadOnlyList<string> pemFiles, X509Certificate2Collection? fixedAnchors = null, Func<X509Certificate2Collection>? truststore = null)
{
    private X509Certificate2Collection? _lastGoodTruststore;

    public string Context { get; } = context;

    public IReadOnlyList<string> PemFiles { get; } = pemFiles;

    public X509Certificate2Collection Anchors()
    {
        var anchors = new X509Certificate2Collection();
        if (fixedAnchors is not null)
        {
            anchors.AddRange(fixedAnchors);
        }

        if (truststore is not null)
        {
            try
            {
                _lastGoodTruststore = truststore();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or EsException)
            {
                // Elasticsearch keeps the last good truststore when the file becomes unreadable.
            }

            if (_lastGoodTruststore is not null)
            {
                anchors.AddRange(_lastGoodTruststore);
            }
        }

        foreach (var file in PemFiles)
        {
            try
            {
                anchors.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                // Elasticsearch keeps the last good content when a watched file becomes unreadable; an unreadable file at
                // start would have stopped the node, which the config loader reports instead.
            }
        }

        return anchors;
    }
}

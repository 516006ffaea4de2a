using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch.Local;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// The trusted CAs of one SSL context of a node (e.g. <c>xpack.security.remote_cluster_client.ssl</c>). The list of PEM
/// files is fixed when the node starts (the setting is static) but the files are re-read on use, as Elasticsearch's file
/// watcher reloads a referenced CA file whose content changed. A PKCS#12 truststore is re-read on use too
/// (<paramref name="truststore"/>), as Elasticsearch's SSLConfigurationReloader also watches keystore and truststore files.
/// A reload is all or nothing, as in Elasticsearch (SSLService's SSLContextHolder builds the new trust manager first and
/// swaps the context only when that succeeded): when any file is missing (e.g. between the unlink and the rename of a
/// replace), unreadable, garbled, or truncated (a PEM block without its end line, or no certificate at all), the
/// anchors of the last good read stay in use.
/// </summary>
public sealed class TrustSource
{
    private readonly X509Certificate2Collection? _fixedAnchors;
    private readonly Func<X509Certificate2Collection>? _truststore;
    private readonly object _gate = new();
    private X509Certificate2Collection? _lastGood;

    public TrustSource(
        string context, IReadOnlyList<string> pemFiles, X509Certificate2Collection? fixedAnchors = null, Func<X509Certificate2Collection>? truststore = null)
    {
        Context = context;
        PemFiles = pemFiles;
        _fixedAnchors = fixedAnchors;
        _truststore = truststore;

        // The files as the node found them at start are the first good copy.
        _lastGood = TryRead();
    }

    public string Context { get; }

    public IReadOnlyList<string> PemFiles { get; }

    public X509Certificate2Collection Anchors()
    {
        var anchors = new X509Certificate2Collection();
        if (_fixedAnchors is not null)
        {
            anchors.AddRange(_fixedAnchors);
        }

        lock (_gate)
        {
            _lastGood = TryRead() ?? _lastGood;
            if (_lastGood is not null)
            {
                anchors.AddRange(_lastGood);
            }
        }

        return anchors;
    }

    /// <summary>Every configured file read afresh, or null when any of them cannot be used as it is now.</summary>
    private X509Certificate2Collection? TryRead()
    {
        var read = new X509Certificate2Collection();
        try
        {
            if (_truststore is not null)
            {
                read.AddRange(_truststore());
            }

            foreach (var file in PemFiles)
            {
                var pem = NodeFileReader.ReadAllText(file);
                var certificates = new X509Certificate2Collection();
                certificates.ImportFromPem(pem);
                if (certificates.Count == 0
                    || CountOccurrences(pem, "-----BEGIN CERTIFICATE-----") != CountOccurrences(pem, "-----END CERTIFICATE-----"))
                {
                    // Empty, or a block cut short (written in place and read mid-write): the JDK's CertificateFactory rejects it.
                    return null;
                }

                read.AddRange(certificates);
            }

            return read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or EsException)
        {
            return null;
        }
    }

    private static int CountOccurrences(string text, string marker)
    {
        int count = 0;
        for (int at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

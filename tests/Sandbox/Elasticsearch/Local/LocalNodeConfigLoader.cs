using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;
using Sandbox.Pki;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// What a self-managed node reads from its config dir when it starts: elasticsearch.yml, the p12 passwords from the
/// keystore, the PKCS#12 and PEM files the SSL settings name. A problem stops the start with Elasticsearch's message.
/// </summary>
public static class LocalNodeConfigLoader
{
    public static NodeConfig Load(string configDir, IReadOnlyDictionary<string, string> secureSettings)
    {
        var ymlPath = Path.Combine(configDir, ElasticsearchYml.FileName);
        var settings = ElasticsearchYml.Read(NodeFileReader.ReadAllText(ymlPath), ymlPath);
        string? Get(string key) => settings.TryGetValue(key, out var v) ? v.ToString() : null;
        IReadOnlyList<string> List(string key) => settings.TryGetValue(key, out var v) ? v.AsList() : [];

        var http = LoadKeystore(configDir, settings, secureSettings, "xpack.security.http.ssl");
        var transport = LoadKeystore(configDir, settings, secureSettings, NodeConfig.TransportSslContext);
        var transportCas = List($"{NodeConfig.TransportSslContext}.certificate_authorities");
        var truststorePath = Get($"{NodeConfig.TransportSslContext}.truststore.path");
        if (transportCas.Count > 0 && truststorePath is not null)
        {
            throw EsException.IllegalArgument(
                $"cannot specify both [{NodeConfig.TransportSslContext}.certificate_authorities] and [{NodeConfig.TransportSslContext}.truststore.path]");
        }

        Func<X509Certificate2Collection>? transportAnchors = null;
        if (truststorePath is not null)
        {
            var password = secureSettings.GetValueOrDefault($"{NodeConfig.TransportSslContext}.truststore.secure_password") ?? string.Empty;
            X509Certificate2Collection ReadTruststore()
            {
                var store = ReadPkcs12(Resolve(configDir, truststorePath), password, $"{NodeConfig.TransportSslContext}.truststore");
                var trusted = store.Where(c => !c.HasPrivateKey).ToList();
                return trusted.Count > 0 ? [.. trusted] : store;
            }

            // Read once now so that a broken truststore stops the start, then again on use: Elasticsearch reloads it when it changes.
            ReadTruststore();
            transportAnchors = ReadTruststore;
        }

        var remoteClientCas = List($"{NodeConfig.RemoteClientSslContext}.certificate_authorities");
        return new NodeConfig
        {
            NodeName = Get("node.name") ?? Environment.MachineName,
            ConfigDir = configDir,
            Settings = settings,
            HttpCertificate = http.Certificate,
            HttpChain = http.Chain,
            TransportCertificate = transport.Certificate,
            TransportChain = transport.Chain,
            TransportTrust = new TrustSource(NodeConfig.TransportSslContext,
                RequireFiles(configDir, transportCas, NodeConfig.TransportSslContext), truststore: transportAnchors),
            TransportVerificationMode = Get($"{NodeConfig.TransportSslContext}.verification_mode") ?? "full",
            RemoteClientSslEnabled = !string.Equals(Get($"{NodeConfig.RemoteClientSslContext}.enabled"), "false", StringComparison.Ordinal),
            RemoteClientTrust = new TrustSource(NodeConfig.RemoteClientSslContext,
                RequireFiles(configDir, remoteClientCas, NodeConfig.RemoteClientSslContext)),
            RemoteClientVerificationMode = Get($"{NodeConfig.RemoteClientSslContext}.verification_mode") ?? "full",
            RemoteClusterServerEnabled = Get("remote_cluster_server.enabled") == "true",
            HttpPort = Port(Get("http.port")),
            TransportPort = Port(Get("transport.port")),
            RemoteClusterPort = Port(Get("remote_cluster.port")),
        };
    }

    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadKeystore(
        string configDir, IReadOnlyDictionary<string, SettingValue> settings, IReadOnlyDictionary<string, string> secure, string context)
    {
        if (!settings.ContainsKey($"{context}.keystore.path")
            && settings.TryGetValue($"{context}.certificate", out var certificateFile) && settings.TryGetValue($"{context}.key", out var keyFile))
        {
            // PEM key and certificate, as elasticsearch-certutil --pem writes them; the certificate file may carry the chain.
            var certificatePath = Resolve(configDir, certificateFile.ToString());
            foreach (var file in new[] { certificatePath, Resolve(configDir, keyFile.ToString()) }.Where(f => !File.Exists(f)))
            {
                throw new EsException(500, "elasticsearch_security_exception",
                    $"failed to load SSL configuration [{context}] - cannot read configured PEM certificate [{file}] because the file does not exist");
            }

            var pemChain = new X509Certificate2Collection();
            pemChain.ImportFromPemFile(certificatePath);
            var pemLeaf = X509Certificate2.CreateFromPemFile(certificatePath, Resolve(configDir, keyFile.ToString()));
            var rest = new X509Certificate2Collection();
            rest.AddRange(pemChain.Where(c => c.Thumbprint != pemLeaf.Thumbprint).ToArray());
            return (pemLeaf, rest);
        }

        var path = settings.TryGetValue($"{context}.keystore.path", out var p) ? p.ToString()
            : throw EsException.IllegalArgument($"a key and certificate must be provided for [{context}]");
        var password = secure.GetValueOrDefault($"{context}.keystore.secure_password") ?? string.Empty;
        var all = ReadPkcs12(Resolve(configDir, path), password, $"{context}.keystore");
        var key = all.FirstOrDefault(c => c.HasPrivateKey && !IsCa(c)) ?? all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw EsException.IllegalArgument($"the keystore [{Resolve(configDir, path)}] does not contain a private key entry");
        var chain = new X509Certificate2Collection();
        chain.AddRange(all.Where(c => c.Thumbprint != key.Thumbprint).ToArray());
        return (key, chain);
    }

    private static X509Certificate2Collection ReadPkcs12(string path, string password, string setting)
    {
        if (!File.Exists(path))
        {
            throw new EsException(500, "elasticsearch_security_exception",
                $"failed to load SSL configuration [{setting[..setting.LastIndexOf('.')]}] - cannot read configured [PKCS12] keystore [{path}] because the file does not exist");
        }

        try
        {
            return Pkcs12Bundle.Import(NodeFileReader.ReadAllBytes(path), password);
        }
        catch (CryptographicException)
        {
            throw new EsException(500, "elasticsearch_security_exception",
                $"failed to load SSL configuration [{setting[..setting.LastIndexOf('.')]}] - cannot read configured [PKCS12] keystore [{path}] - the keystore password is incorrect");
        }
    }

    private static IReadOnlyList<string> RequireFiles(string configDir, IReadOnlyList<string> files, string context)
    {
        var resolved = files.Select(f => Resolve(configDir, f)).ToList();
        foreach (var file in resolved.Where(f => !File.Exists(f)))
        {
            throw new EsException(500, "elasticsearch_security_exception",
                $"failed to load SSL configuration [{context}] - cannot read configured PEM certificate_authorities [{file}] because the file does not exist");
        }

        // Read once as the node's user: a CA file it may not read stops the start.
        resolved.ForEach(file => NodeFileReader.ReadAllBytes(file));
        return resolved;
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static string Resolve(string configDir, string path) => Path.GetFullPath(Path.Combine(configDir, path));

    private static int Port(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0;
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sandbox.Pki;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// Lays out a node directory as a package install with security auto-configuration leaves it: config/elasticsearch.yml,
/// config/certs/{http_ca.crt,http.p12,transport.p12}, config/elasticsearch.keystore (keystore.seed, the p12 passwords,
/// autoconfiguration.password_hash), data/ and logs/. The CAs are shared by the cluster, as enrolment hands them on.
/// </summary>
public sealed class LocalNodeInstaller(LocalClusterOptions options, string elasticPassword) : IDisposable
{
    private readonly CertificateAuthority _httpCa = CertificateAuthority.Create("Elasticsearch security auto-configuration HTTP CA", string.Empty);
    private readonly CertificateAuthority _transportCa = CertificateAuthority.Create("Elasticsearch security auto-configuration transport CA", string.Empty);

    public sealed record InstalledNode(string Name, string HomeDir, string ConfigDir, int HttpPort, int TransportPort, string KeystorePassword);

    public InstalledNode Install(int ordinal, int firstTransportPort)
    {
        var name = $"node-{ordinal}";
        var home = Path.Combine(options.Root, name);
        var config = Path.Combine(home, "config");
        var certs = Path.Combine(config, "certs");
        Directory.CreateDirectory(certs);
        Directory.CreateDirectory(Path.Combine(home, "data"));
        Directory.CreateDirectory(Path.Combine(home, "logs"));
        var keystorePassword = options.KeystorePasswordNode == ordinal ? RandomPassword() : string.Empty;
        var httpPort = FreePort();
        var transportPort = ordinal == 1 ? firstTransportPort : FreePort();

        var sans = new LeafCertificateRequest(name, null, ["localhost", name], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        using var httpLeaf = _httpCa.Issue(sans);
        using var transportLeaf = _transportCa.Issue(sans with { CommonName = name, CommonNameOtherName = true });
        var httpPassword = RandomPassword();
        var transportPassword = RandomPassword();
        File.WriteAllText(Path.Combine(certs, "http_ca.crt"), CertificatePem.Certificate(_httpCa.Certificate));
        File.WriteAllBytes(Path.Combine(certs, "http.p12"), Pkcs12Bundle.Export(httpLeaf, [_httpCa.Certificate], httpPassword));
        // http.p12 keeps the HTTP CA's key (enrolment signs with it); transport.p12 holds the transport CA as a trusted entry only.
        using var transportCaEntry = X509CertificateLoader.LoadCertificate(_transportCa.Certificate.RawData);
        File.WriteAllBytes(Path.Combine(certs, "transport.p12"), Pkcs12Bundle.Export(transportLeaf, [transportCaEntry], transportPassword));

        var version = EsVersion.Parse(options.Version);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["keystore.seed"] = Encoding.UTF8.GetBytes(ElasticsearchKeystore.NewSeed()),
            ["xpack.security.http.ssl.keystore.secure_password"] = Encoding.UTF8.GetBytes(httpPassword),
            ["xpack.security.transport.ssl.keystore.secure_password"] = Encoding.UTF8.GetBytes(transportPassword),
            ["xpack.security.transport.ssl.truststore.secure_password"] = Encoding.UTF8.GetBytes(transportPassword),
            ["autoconfiguration.password_hash"] = Encoding.UTF8.GetBytes(PasswordHash(elasticPassword)),
        };
        File.WriteAllBytes(Path.Combine(config, ElasticsearchKeystore.FileName),
            ElasticsearchKeystore.Write(entries, keystorePassword, version.KeystoreFormatVersion));

        var layout = new ElasticsearchYml.NodeLayout(
            options.ClusterName, name, Path.Combine(home, "data"), Path.Combine(home, "logs"), httpPort, transportPort,
            InitialMasterNode: ordinal == 1 ? name : null,
            SeedHost: ordinal == 1 ? null : $"127.0.0.1:{firstTransportPort}",
            DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(config, ElasticsearchYml.FileName), ElasticsearchYml.Render(layout));
        return new InstalledNode(name, home, config, httpPort, transportPort, keystorePassword);
    }

    /// <summary>A port that is free now; the node binds it from elasticsearch.yml when it starts.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// The elastic password's hash in one of the formats Elasticsearch's Hasher reads ({PBKDF2}iterations$salt$hash);
    /// the real auto-configuration uses the node's configured algorithm (bcrypt by default).
    /// </summary>
    private static string PasswordHash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 10_000, HashAlgorithmName.SHA512, 32);
        return $"{{PBKDF2}}10000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    private static string RandomPassword() => State.RandomIds.Random(22);

    public void Dispose()
    {
        _httpCa.Dispose();
        _transportCa.Dispose();
    }
}

using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch;

/// <summary>
/// What a node read when it started: its settings (elasticsearch.yml for a self-managed node, what ECK renders for a pod)
/// and the SSL contexts built from them. Immutable: static settings change only by starting the node again.
/// </summary>
public sealed record NodeConfig
{
    public const string RemoteClientSslContext = "xpack.security.remote_cluster_client.ssl";
    public const string TransportSslContext = "xpack.security.transport.ssl";

    public required string NodeName { get; init; }

    /// <summary>The config directory of a self-managed node; null for ECK pods.</summary>
    public string? ConfigDir { get; init; }

    public IReadOnlyDictionary<string, SettingValue> Settings { get; init; } = new Dictionary<string, SettingValue>();

    public required X509Certificate2 HttpCertificate { get; init; }

    /// <summary>Certificates sent after the HTTP certificate: the HTTP CA of an auto-configured node (http.p12's key entry chain).</summary>
    public X509Certificate2Collection HttpChain { get; init; } = [];

    public required X509Certificate2 TransportCertificate { get; init; }

    /// <summary>Certificates sent after the transport certificate (its CA), as a PKCS#12 chain or PEM bundle would.</summary>
    public X509Certificate2Collection TransportChain { get; init; } = [];

    public required TrustSource TransportTrust { get; init; }

    public string TransportVerificationMode { get; init; } = "certificate";

    public bool RemoteClientSslEnabled { get; init; } = true;

    public required TrustSource RemoteClientTrust { get; init; }

    public string RemoteClientVerificationMode { get; init; } = "full";

    public bool RemoteClusterServerEnabled { get; init; }

    /// <summary>Ports to bind on 127.0.0.1 (0 = any free port).</summary>
    public int HttpPort { get; init; }

    public int TransportPort { get; init; }

    public int RemoteClusterPort { get; init; }
}

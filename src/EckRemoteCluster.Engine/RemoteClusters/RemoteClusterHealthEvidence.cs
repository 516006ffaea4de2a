using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>A CA certificate seen somewhere, by fingerprint: where it was seen and when it expires.</summary>
internal sealed record CaCertificate(string Thumbprint, string Subject, DateTime NotAfter, string Source)
{
    public static CaCertificate From(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string source) =>
        new(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), certificate.Subject, certificate.NotAfter.ToUniversalTime(), source);
}

/// <summary>One node's keystore entry for the alias: present, and the key id it holds (never the secret).</summary>
internal sealed record NodeCredentialEvidence(string Node, bool Present, string? KeyId);

/// <summary>
/// What one node trusts for the alias's TLS context: every CA its certificate_authorities files hold, and those of the
/// file the module writes (remote-cluster-ca.crt or remote-transport-ca.crt) when the node lists it; null Trusted when
/// the node trusts through a truststore this reading does not open.
/// </summary>
internal sealed record NodeCaEvidence(string Node, IReadOnlyList<CaCertificate>? Trusted, IReadOnlyList<CaCertificate>? ModuleFile);

/// <summary>Everything Get-RemoteClusterHealth gathered about one alias; null where it was not looked at.</summary>
internal sealed record RemoteClusterHealthEvidence
{
    public required string Alias { get; init; }

    public required DateTime Now { get; init; }

    /// <summary>The fresh connection check (Test-RemoteCluster's), with its diagnosis when down.</summary>
    public RemoteClusterTestResult? Test { get; init; }

    /// <summary>The check could not be made (the local cluster did not answer): its message and recommended action.</summary>
    public (string Message, string Action)? TestFailure { get; init; }

    public IReadOnlyList<NodeCredentialEvidence>? Keystores { get; init; }

    public IReadOnlyList<NodeCaEvidence>? NodeCas { get; init; }

    /// <summary>Reading the nodes' files failed (locked, unreadable, a session lost): the message.</summary>
    public string? NodesFailure { get; init; }

    /// <summary>The key on the remote, by the id the keystores hold.</summary>
    public RemoteKeyEvidence? RemoteKey { get; init; }

    /// <summary>The CA certificates in the chain the remote served in a handshake from this machine.</summary>
    public IReadOnlyList<CaCertificate>? Served { get; init; }

    /// <summary>The fingerprints of the nodes' CAs the served chain leads to; null when no chain was served.</summary>
    public IReadOnlyList<string>? ServedAnchors { get; init; }

    /// <summary>ECK's current transport CA (ca.crt of &lt;name&gt;-es-transport-certs-public).</summary>
    public IReadOnlyList<CaCertificate>? EckCa { get; init; }

    /// <summary>ECK's CA could not be read: the message.</summary>
    public string? EckFailure { get; init; }

    /// <summary>Which ECK cluster, for messages and commands: namespace/name.</summary>
    public string? EckName { get; init; }
}

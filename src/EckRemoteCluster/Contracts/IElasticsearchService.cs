namespace EckRemoteCluster.Contracts;

/// <summary>Opens verified connections to Elasticsearch clusters.</summary>
internal interface IElasticsearchService
{
    /// <summary>Connects to a self-managed (or any reachable) cluster and verifies it with GET / and _authenticate.</summary>
    Task<ElasticsearchConnection> ConnectAsync(DirectConnectionRequest request, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// Connects to an ECK cluster as its elastic user, trusting its HTTP CA: through the HTTP service's load balancer
    /// when it has one, otherwise through a port-forward over the Kubernetes API.
    /// </summary>
    Task<ElasticsearchConnection> ConnectToEckAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken);
}

/// <summary>
/// How to reach and trust a cluster given by URIs. Exactly one of Credential (user name + password) or ApiKey;
/// TLS is verified against the system store unless CertificateAuthorities, CertificateFingerprint or SkipCertificateCheck say otherwise.
/// </summary>
internal sealed record DirectConnectionRequest(
    IReadOnlyList<Uri> Uris,
    string? UserName,
    System.Security.SecureString? Password,
    System.Security.SecureString? ApiKey,
    System.Security.Cryptography.X509Certificates.X509Certificate2Collection? CertificateAuthorities,
    string? CertificateFingerprint,
    bool SkipCertificateCheck);

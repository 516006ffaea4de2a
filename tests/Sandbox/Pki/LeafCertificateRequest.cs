using System.Net;

namespace Sandbox.Pki;

/// <summary>
/// What a leaf certificate says about its holder. <see cref="CommonNameOtherName"/> adds the otherName SAN
/// (OID 2.5.4.3, UTF8String) that ECK puts in transport certificates for Elasticsearch's node-name verification.
/// </summary>
public sealed record LeafCertificateRequest(
    string CommonName,
    string? OrganizationalUnit,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> IpAddresses,
    bool CommonNameOtherName = false,
    TimeSpan? Validity = null);

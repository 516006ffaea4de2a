using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Pki;

/// <summary>
/// Builds the subjectAltName extension by hand, because SubjectAlternativeNameBuilder cannot write the otherName entry
/// ECK adds to transport certificates.
/// </summary>
internal static class SubjectAlternativeNames
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string CommonNameOid = "2.5.4.3";

    public static X509Extension Build(LeafCertificateRequest leaf)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (leaf.CommonNameOtherName)
            {
                // otherName [0] { type-id OID, value [0] EXPLICIT UTF8String }
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteObjectIdentifier(CommonNameOid);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    {
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, leaf.CommonName);
                    }
                }
            }

            foreach (var dns in leaf.DnsNames)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, dns, new Asn1Tag(TagClass.ContextSpecific, 2));
            }

            foreach (var ip in leaf.IpAddresses)
            {
                writer.WriteOctetString(ip.GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
            }
        }

        return new X509Extension(SubjectAltNameOid, writer.Encode(), critical: false);
    }

    /// <summary>The DNS names and IP addresses a certificate's SAN extension lists (for reissue decisions and tests).</summary>
    public static (IReadOnlyList<string> Dns, IReadOnlyList<IPAddress> Ips) Read(X509Certificate2 certificate)
    {
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                dns.AddRange(san.EnumerateDnsNames());
                ips.AddRange(san.EnumerateIPAddresses());
            }
        }

        return (dns, ips);
    }
}

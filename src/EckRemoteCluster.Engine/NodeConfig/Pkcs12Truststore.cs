using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// Adds trusted CA certificates to an existing PKCS#12 file (a node's transport.p12) without touching what it holds:
/// the existing (encrypted) safe contents are copied byte for byte, one unencrypted safe contents with the new
/// certificate bags is appended, and the integrity MAC is recomputed with the same password and hash.
/// Java only treats a certificate bag as a trusted entry when it carries Oracle's trusted-key-usage attribute (what
/// keytool -importcert writes), so each new bag has it, plus a friendly name Java shows as the entry's alias.
/// The BCL's PKCS#12 export cannot write bag attributes, hence the ASN.1 here.
/// </summary>
internal static class Pkcs12Truststore
{
    private const string IdData = "1.2.840.113549.1.7.1";
    private const string CertBag = "1.2.840.113549.1.12.10.1.3";
    private const string X509CertificateType = "1.2.840.113549.1.9.22.1";
    private const string FriendlyName = "1.2.840.113549.1.9.20";
    private const string LocalKeyId = "1.2.840.113549.1.9.21";
    private const string OracleTrustedKeyUsage = "2.16.840.1.113894.746875.1.1";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";

    /// <summary>Every certificate in the file (key entries' chains and trusted entries); throws CryptographicException on a wrong password.</summary>
    public static X509Certificate2Collection ReadCertificates(byte[] pkcs12, string password)
    {
        var collection = new X509Certificate2Collection();
        collection.Import(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet);
        return collection;
    }

    /// <summary>The file with <paramref name="certificates"/> added as trusted entries named <paramref name="aliasPrefix"/>-&lt;n&gt;.</summary>
    public static byte[] AddTrustedCertificates(byte[] pkcs12, string password, IReadOnlyList<X509Certificate2> certificates, string aliasPrefix)
    {
        var (version, existing, macData) = Open(pkcs12);
        var appended = new AsnWriter(AsnEncodingRules.DER);
        using (appended.PushSequence())
        {
            appended.WriteObjectIdentifier(IdData);
            using (appended.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                appended.WriteOctetString(SafeContents(certificates, aliasPrefix));
            }
        }

        return Seal(version, [.. existing, appended.Encode()], macData, password);
    }

    /// <summary>
    /// The file without the trusted certificate entries (certificate bags without a key id: not a key entry's chain)
    /// whose SHA-1 thumbprint is in <paramref name="thumbprints"/>, as far as they are in unencrypted safe contents, where
    /// this class appends the CAs it adds. An entry inside encrypted safe contents (keytool encrypts what it imports) is
    /// left as it is: <paramref name="notRemoved"/> lists those thumbprints, for the caller to report.
    /// </summary>
    public static byte[] RemoveTrustedCertificates(byte[] pkcs12, string password, IReadOnlyCollection<string> thumbprints, out IReadOnlyList<string> notRemoved)
    {
        var wanted = new HashSet<string>(thumbprints, StringComparer.OrdinalIgnoreCase);
        var removed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var (version, existing, macData) = Open(pkcs12);
        var kept = new List<ReadOnlyMemory<byte>>();
        foreach (var contentInfo in existing)
        {
            var info = new AsnReader(contentInfo, AsnEncodingRules.BER).ReadSequence();
            if (info.ReadObjectIdentifier() != IdData)
            {
                kept.Add(contentInfo);
                continue;
            }

            var bags = new AsnReader(info.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString(), AsnEncodingRules.BER).ReadSequence();
            var remaining = new List<ReadOnlyMemory<byte>>();
            var dropped = false;
            while (bags.HasData)
            {
                var bag = bags.ReadEncodedValue();
                if (TrustedCertificateThumbprint(bag) is { } thumbprint && wanted.Contains(thumbprint))
                {
                    removed.Add(thumbprint);
                    dropped = true;
                    continue;
                }

                remaining.Add(bag);
            }

            if (!dropped)
            {
                kept.Add(contentInfo);
            }
            else if (remaining.Count > 0)
            {
                var safe = new AsnWriter(AsnEncodingRules.DER);
                using (safe.PushSequence())
                {
                    foreach (var bag in remaining)
                    {
                        safe.WriteEncodedValue(bag.Span);
                    }
                }

                var rewritten = new AsnWriter(AsnEncodingRules.DER);
                using (rewritten.PushSequence())
                {
                    rewritten.WriteObjectIdentifier(IdData);
                    using (rewritten.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        rewritten.WriteOctetString(safe.Encode());
                    }
                }

                kept.Add(rewritten.Encode());
            }
        }

        notRemoved = [.. wanted.Where(t => !removed.Contains(t))];
        return removed.Count == 0 ? pkcs12 : Seal(version, kept, macData, password);
    }

    /// <summary>The SHA-1 thumbprint of a certificate bag that is a trusted entry (no localKeyId attribute); null for any other bag.</summary>
    private static string? TrustedCertificateThumbprint(ReadOnlyMemory<byte> encodedBag)
    {
        var bag = new AsnReader(encodedBag, AsnEncodingRules.BER).ReadSequence();
        if (bag.ReadObjectIdentifier() != CertBag)
        {
            return null;
        }

        var certBag = bag.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        if (certBag.ReadObjectIdentifier() != X509CertificateType)
        {
            return null;
        }

        var der = certBag.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString();
        if (bag.HasData)
        {
            var attributes = bag.ReadSetOf();
            while (attributes.HasData)
            {
                if (attributes.ReadSequence().ReadObjectIdentifier() == LocalKeyId)
                {
                    return null;
                }
            }
        }

        return Convert.ToHexString(SHA1.HashData(der));
    }

    /// <summary>The version, the authenticated safe's content infos (encoded, untouched) and the MAC data of a password-integrity PKCS#12 file.</summary>
    private static (System.Numerics.BigInteger Version, List<ReadOnlyMemory<byte>> ContentInfos, AsnReader? MacData) Open(byte[] pkcs12)
    {
        var pfx = new AsnReader(pkcs12, AsnEncodingRules.BER).ReadSequence();
        var version = pfx.ReadInteger();
        var authSafeInfo = pfx.ReadSequence();
        if (authSafeInfo.ReadObjectIdentifier() != IdData)
        {
            throw new CryptographicException("The PKCS#12 file is signed with a public key (not password-integrity mode); it cannot be changed here.");
        }

        var authSafeBytes = authSafeInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString();
        var macData = pfx.HasData ? pfx.ReadSequence() : null;

        var existing = new List<ReadOnlyMemory<byte>>();
        var authSafe = new AsnReader(authSafeBytes, AsnEncodingRules.BER).ReadSequence();
        while (authSafe.HasData)
        {
            existing.Add(authSafe.ReadEncodedValue());
        }

        return (version, existing, macData);
    }

    /// <summary>The file from its content infos, with the integrity MAC recomputed with the same password and hash.</summary>
    private static byte[] Seal(System.Numerics.BigInteger version, IReadOnlyList<ReadOnlyMemory<byte>> contentInfos, AsnReader? macData, string password)
    {
        var newAuthSafe = new AsnWriter(AsnEncodingRules.DER);
        using (newAuthSafe.PushSequence())
        {
            foreach (var contentInfo in contentInfos)
            {
                newAuthSafe.WriteEncodedValue(contentInfo.Span);
            }
        }

        var content = newAuthSafe.Encode();
        var (hash, iterations) = ReadMacParameters(macData);
        var salt = RandomNumberGenerator.GetBytes(hash == HashAlgorithmName.SHA1 ? 20 : 32);
        var key = Pkcs12Kdf.Derive(password, salt, iterations, hash, id: 3, HashLength(hash));
        var mac = HMAC(hash, key, content);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(version);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(IdData);
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    writer.WriteOctetString(content);
                }
            }

            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(HashOid(hash));
                        writer.WriteNull();
                    }

                    writer.WriteOctetString(mac);
                }

                writer.WriteOctetString(salt);
                writer.WriteInteger(iterations);
            }
        }

        return writer.Encode();
    }

    private static byte[] SafeContents(IReadOnlyList<X509Certificate2> certificates, string aliasPrefix)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            for (var i = 0; i < certificates.Count; i++)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(CertBag);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(X509CertificateType);
                        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                        {
                            writer.WriteOctetString(certificates[i].RawData);
                        }
                    }

                    using (writer.PushSetOf())
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(FriendlyName);
                            using (writer.PushSetOf())
                            {
                                writer.WriteCharacterString(UniversalTagNumber.BMPString, certificates.Count == 1 ? aliasPrefix : $"{aliasPrefix}-{i + 1}");
                            }
                        }

                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(OracleTrustedKeyUsage);
                            using (writer.PushSetOf())
                            {
                                writer.WriteObjectIdentifier(AnyExtendedKeyUsage);
                            }
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>The MAC's hash and iteration count as the file had them (SHA-1 and 2048 iterations for a file without MAC).</summary>
    private static (HashAlgorithmName Hash, int Iterations) ReadMacParameters(AsnReader? macData)
    {
        if (macData is null)
        {
            return (HashAlgorithmName.SHA256, 2048);
        }

        var digestInfo = macData.ReadSequence();
        var algorithm = digestInfo.ReadSequence().ReadObjectIdentifier();
        macData.ReadOctetString();
        var iterations = 1;
        if (macData.HasData && macData.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            macData.TryReadInt32(out iterations);
        }

        return (algorithm switch
        {
            "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => throw new CryptographicException($"The PKCS#12 MAC uses an unsupported hash ({algorithm})."),
        }, iterations);
    }

    private static string HashOid(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA1 ? "1.3.14.3.2.26"
        : hash == HashAlgorithmName.SHA256 ? "2.16.840.1.101.3.4.2.1"
        : hash == HashAlgorithmName.SHA384 ? "2.16.840.1.101.3.4.2.2"
        : "2.16.840.1.101.3.4.2.3";

    internal static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA1 ? 20 : hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;

    private static byte[] HMAC(HashAlgorithmName hash, byte[] key, byte[] data) =>
        hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data)
        : hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
        : hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, data)
        : HMACSHA512.HashData(key, data);

    /// <summary>The key derivation of RFC 7292 appendix B.2 (the PKCS#12 MAC key is derived with ID 3).</summary>
    internal static class Pkcs12Kdf
    {
        public static byte[] Derive(string password, byte[] salt, int iterations, HashAlgorithmName hash, byte id, int length)
        {
            var u = HashLength(hash);
            var v = u <= 32 ? 64 : 128;

            // BMPString of the password with a two-byte terminator.
            var passwordBytes = Encoding.BigEndianUnicode.GetBytes(password + "\0");
            var s = Repeat(salt, v * ((salt.Length + v - 1) / v));
            var p = Repeat(passwordBytes, v * ((passwordBytes.Length + v - 1) / v));
            var i = s.Concat(p).ToArray();
            var d = Enumerable.Repeat(id, v).ToArray();

            var result = new byte[length];
            var written = 0;
            while (written < length)
            {
                var a = Hash(hash, d.Concat(i).ToArray());
                for (var r = 1; r < iterations; r++)
                {
                    a = Hash(hash, a);
                }

                var take = Math.Min(u, length - written);
                Array.Copy(a, 0, result, written, take);
                written += take;

                var b = Repeat(a, v);
                for (var j = 0; j < i.Length; j += v)
                {
                    // I_j = (I_j + B + 1) mod 2^(8v), big-endian.
                    var carry = 1;
                    for (var k = v - 1; k >= 0; k--)
                    {
                        var sum = i[j + k] + b[k] + carry;
                        i[j + k] = (byte)sum;
                        carry = sum >> 8;
                    }
                }
            }

            return result;
        }

        private static byte[] Repeat(byte[] source, int length)
        {
            var result = new byte[length];
            for (var k = 0; k < length && source.Length > 0; k++)
            {
                result[k] = source[k % source.Length];
            }

            return result;
        }

        private static byte[] Hash(HashAlgorithmName hash, byte[] data) =>
            hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data)
            : hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
            : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
            : SHA512.HashData(data);
    }
}

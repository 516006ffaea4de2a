using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Pki;

/// <summary>Subjects as ECK writes them: CN plus an optional OU (the owner's name).</summary>
internal static class DistinguishedNames
{
    public static X500DistinguishedName Build(string commonName, string? organizationalUnit)
    {
        // Go's pkix.Name encodes OU before CN; the builder encodes in reverse order of the calls.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        if (!string.IsNullOrEmpty(organizationalUnit))
        {
            builder.AddOrganizationalUnitName(organizationalUnit);
        }
        return builder.Build();
    }
}

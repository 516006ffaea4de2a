using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Pki;

/// <summary>Subjects as ECK writes them: CN plus an optional OU (the owner's name).</summary>
internal static class DistinguishedNames
{
    public static X500DistinguishedName Build(string commonName, string? organizationalUnit)
    {
        var builder = new X500DistinguishedNameBuilder();
        if (!string.IsNullOrEmpty(organizationalUnit))
        {
            builder.AddOrganizationalUnitName(organizationalUnit);
        }

        builder.AddCommonName(commonName);
        return builder.Build();
    }
}

using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Turns what users have at hand for a certificate parameter into certificates: X509Certificate2 objects, a PEM file
/// path or FileInfo, PEM text, or an object with a Certificates property (EckCertificateAuthority from
/// Get-EckTransportCa). Resolved in ProcessRecord rather than by a transformation attribute, so that a bad file or
/// PEM fails with its own ErrorId instead of PowerShell's generic binding error.
/// </summary>
internal static class CertificateInputs
{
    public static X509Certificate2[] Resolve(PSCmdlet cmdlet, object? input)
    {
        var certificates = Flatten(input).SelectMany(item => ToCertificates(cmdlet, item)).ToArray();
        if (certificates.Length == 0)
        {
            throw Invalid("No certificate was given.", input);
        }

        return certificates;
    }

    private static IEnumerable<object?> Flatten(object? input)
    {
        var value = input is PSObject wrapped ? wrapped.BaseObject : input;
        if (value is PSCustomObject)
        {
            // Keep the PSObject: a custom object's properties live on the wrapper, not on the base object.
            yield return input;
        }
        else if (value is IEnumerable sequence and not string and not X509Certificate2)
        {
            foreach (var item in sequence)
            {
                foreach (var inner in Flatten(item))
                {
                    yield return inner;
                }
            }
        }
        else
        {
            yield return value;
        }
    }

    private static IEnumerable<X509Certificate2> ToCertificates(PSCmdlet cmdlet, object? input) =>
        (input is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : input) switch
        {
            X509Certificate2 certificate => [certificate],
            FileInfo file => FromPemFile(file.FullName),
            string text when text.Contains("-----BEGIN", StringComparison.Ordinal) => FromPem(text, "the PEM text given"),
            string path => FromPemFile(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
            _ when input is not null && PSObject.AsPSObject(input).Properties["Certificates"]?.Value is { } inner =>
                Flatten(inner).SelectMany(item => ToCertificates(cmdlet, item)),
            _ => throw Invalid(
                $"Expected a certificate, a PEM file or an EckCertificateAuthority; got {input?.GetType().FullName ?? "nothing"}.",
                input),
        };

    private static X509Certificate2[] FromPemFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new EckRemoteClusterException(
                ErrorIds.CertificateFileNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The certificate file '{path}' does not exist.",
                "Give the path of a PEM file holding the CA certificate (for ECK: Get-EckTransportCa -OutFile).",
                path);
        }

        return FromPem(File.ReadAllText(path), path);
    }

    private static X509Certificate2[] FromPem(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw Invalid($"{source} is not a PEM certificate: {ex.Message}", source, ex);
        }

        if (collection.Count == 0)
        {
            throw Invalid($"{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", source);
        }

        return collection.ToArray();
    }

    private static EckRemoteClusterException Invalid(string message, object? target, Exception? inner = null) => new(
        ErrorIds.InvalidCertificate,
        EckErrorCategory.InvalidData,
        message,
        "Give the CA as a PEM file (-----BEGIN CERTIFICATE-----), an X509Certificate2, or the output of Get-EckTransportCa.",
        target,
        inner);
}

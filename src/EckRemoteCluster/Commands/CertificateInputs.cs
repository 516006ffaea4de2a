using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Lets a certificate parameter take what users have at hand: an X509Certificate2 (or several), a PEM file path or
/// FileInfo, PEM text, or an object with a Certificates property (EckCertificateAuthority from Get-EckTransportCa).
/// </summary>
internal sealed class CertificateTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var certificates = new List<X509Certificate2>();
        foreach (var item in Flatten(inputData))
        {
            certificates.AddRange(ToCertificates(engineIntrinsics, item));
        }

        if (certificates.Count == 0)
        {
            throw new ArgumentTransformationMetadataException("No certificate was given.");
        }

        return certificates.ToArray();
    }

    private static IEnumerable<object?> Flatten(object? input)
    {
        var value = input is PSObject wrapped ? wrapped.BaseObject : input;
        if (value is PSCustomObject)
        {
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

    private static IEnumerable<X509Certificate2> ToCertificates(EngineIntrinsics engine, object? input) => (input is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : input) switch
    {
        X509Certificate2 certificate => [certificate],
        FileInfo file => FromPemFile(file.FullName),
        string text when text.Contains("-----BEGIN", StringComparison.Ordinal) => FromPem(text, "the PEM text given"),
        string path => FromPemFile(engine.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
        _ when input is not null && PSObject.AsPSObject(input).Properties["Certificates"]?.Value is { } inner => Flatten(inner).SelectMany(i => ToCertificates(engine, i)),
        _ => throw new ArgumentTransformationMetadataException(
            $"Expected a certificate, a PEM file or an EckCertificateAuthority; got {input?.GetType().FullName ?? "null"}."),
    };

    private static X509Certificate2[] FromPemFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentTransformationMetadataException($"The certificate file '{path}' does not exist.");
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
            throw new ArgumentTransformationMetadataException($"{source} is not a PEM certificate: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new ArgumentTransformationMetadataException($"{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return collection.ToArray();
    }
}

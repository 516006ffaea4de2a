using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch.Remote;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// A node re-reads its CA files on use; a read that fails or finds a partial file keeps the last good anchors, as
/// Elasticsearch keeps its previous SSL context when a reload fails.
/// </summary>
public sealed class TrustSourceReloadTests : IDisposable
{
    private static readonly X509Certificate2 s_caA = NewCa("CN=ca-a");
    private static readonly X509Certificate2 s_caB = NewCa("CN=ca-b");

    private readonly string _dir = Directory.CreateTempSubdirectory("trustsource-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> BrokenContents() => new()
    {
        "truncated",
        "garbled",
        "empty",
        "missing",
    };

    [Theory]
    [MemberData(nameof(BrokenContents))]
    public void BrokenFileAfterGoodOneKeepsGoodAnchors(string broken)
    {
        var file = Write("ca.crt", s_caA.ExportCertificatePem());
        var trust = new TrustSource("xpack.security.remote_cluster_client.ssl", [file]);
        Assert.Equal([s_caA.Thumbprint], Thumbprints(trust));

        Break(file, s_caB.ExportCertificatePem(), broken);

        Assert.Equal([s_caA.Thumbprint], Thumbprints(trust));
        Assert.Equal([s_caA.Thumbprint], Thumbprints(trust));
    }

    [Fact]
    public void GoodReplacementIsPickedUpAndThenKept()
    {
        var file = Write("ca.crt", s_caA.ExportCertificatePem());
        var trust = new TrustSource("xpack.security.remote_cluster_client.ssl", [file]);

        ReplaceAtomically(file, s_caA.ExportCertificatePem() + "\n" + s_caB.ExportCertificatePem());
        Assert.Equal(new[] { s_caA.Thumbprint, s_caB.Thumbprint }.Order(), Thumbprints(trust).Order());

        // The second block cut short: the whole file is not used, the previous good pair stays.
        var two = s_caB.ExportCertificatePem() + "\n" + s_caA.ExportCertificatePem();
        File.WriteAllText(file, two[..(two.Length - 100)]);
        Assert.Equal(new[] { s_caA.Thumbprint, s_caB.Thumbprint }.Order(), Thumbprints(trust).Order());

        ReplaceAtomically(file, s_caB.ExportCertificatePem());
        Assert.Equal([s_caB.Thumbprint], Thumbprints(trust));
    }

    [Fact]
    public void OneBrokenFileKeepsThePreviousSetOfAllFiles()
    {
        var first = Write("a.crt", s_caA.ExportCertificatePem());
        var second = Write("b.crt", s_caB.ExportCertificatePem());
        var trust = new TrustSource("xpack.security.transport.ssl", [first, second]);

        Break(second, s_caA.ExportCertificatePem(), "garbled");

        Assert.Equal(new[] { s_caA.Thumbprint, s_caB.Thumbprint }.Order(), Thumbprints(trust).Order());
    }

    [Fact]
    public void FailingTruststoreKeepsItsLastGoodContent()
    {
        bool fail = false;
        var trust = new TrustSource("xpack.security.transport.ssl", [], truststore: () =>
            fail ? throw new IOException("the truststore is being replaced") : [s_caA]);
        Assert.Equal([s_caA.Thumbprint], Thumbprints(trust));

        fail = true;

        Assert.Equal([s_caA.Thumbprint], Thumbprints(trust));
    }

    [Fact]
    public async Task ReaderDuringRepeatedAtomicReplacesAlwaysSeesAnchors()
    {
        var file = Write("ca.crt", s_caA.ExportCertificatePem());
        var trust = new TrustSource("xpack.security.remote_cluster_client.ssl", [file]);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                // A writer that deletes before it renames (a replace window with no file), as some tools do.
                File.Delete(file);
                ReplaceAtomically(file, (i % 2 == 0 ? s_caB : s_caA).ExportCertificatePem());
            }
        });

        try
        {
            for (int i = 0; i < 300; i++)
            {
                Assert.Single(trust.Anchors());
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static void ReplaceAtomically(string path, string content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static void Break(string file, string newPem, string how)
    {
        switch (how)
        {
            case "truncated":
                // Read mid-write: the end line and part of the body are not there yet.
                File.WriteAllText(file, newPem[..(newPem.Length / 2)]);
                break;
            case "garbled":
                var lines = newPem.Split('\n');
                lines[2] = new string('!', lines[2].Length);
                File.WriteAllText(file, string.Join('\n', lines));
                break;
            case "empty":
                File.WriteAllText(file, string.Empty);
                break;
            case "missing":
                File.Delete(file);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }
    }

    private static string[] Thumbprints(TrustSource trust) => trust.Anchors().Select(c => c.Thumbprint).ToArray();

    private static X509Certificate2 NewCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}

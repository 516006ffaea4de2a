using System.IO.Compression;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// What a client sees on the wire of a node's HTTP layer: compressed request bodies, Content-Length framing, the TLS
/// certificate chain of an auto-configured node, the Allow header of a 405.
/// </summary>
[Collection(SharedEsCollection.Name)]
public class HttpWireFidelityTests(EsFixture fixture)
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task CompressedRequestBodiesAreDecompressed(string encoding)
    {
        // Netty's HttpContentDecompressor sits in every Elasticsearch HTTP pipeline (http.compression only governs responses).
        using var client = fixture.LocalClient();
        var json = Encoding.UTF8.GetBytes("""{"title":"compressed","n":1}""");
        var compressed = new MemoryStream();
        await using (Stream z = encoding == "gzip" ? new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)
                         : new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await z.WriteAsync(json);
        }

        var (status, body, _) = await client.SendAsync(HttpMethod.Put, $"/wire-{encoding}/_doc/1?refresh=true", configure: r =>
        {
            r.Content = new ByteArrayContent(compressed.ToArray());
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            r.Content.Headers.ContentEncoding.Add(encoding);
        });
        Assert.True(status is 200 or 201, body?.ToJsonString());
        Assert.Equal("created", (string?)body!["result"]);
    }

    [Fact]
    public async Task SmallResponsesCarryContentLengthNotChunks()
    {
        using var client = fixture.LocalClient();
        var (_, _, get) = await client.GetAsync("/");
        Assert.NotEqual(true, get.Headers.TransferEncodingChunked);
        Assert.NotNull(get.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentLength, (await get.Content.ReadAsByteArrayAsync()).Length);

        // Errors too, and HEAD announces the length the GET body has.
        var (_, _, error) = await client.GetAsync("/_nothing_here");
        Assert.NotEqual(true, error.Headers.TransferEncodingChunked);
        Assert.NotNull(error.Content.Headers.ContentLength);
        var (_, _, head) = await client.SendAsync(HttpMethod.Head, "/");
        Assert.NotEqual(true, head.Headers.TransferEncodingChunked);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task AutoConfiguredNodeSendsItsCertificateAndTheHttpCa()
    {
        // AutoConfigureNode stores the "http" key entry of http.p12 with the chain {node certificate, HTTP CA}; Elasticsearch
        // sends that chain, which is what a CA fingerprint (elasticsearch --enrollment, CertificateFingerprint) is matched against.
        var ca = X509CertificateLoader.LoadCertificateFromFile(fixture.Local.HttpCaPath);
        var received = new List<X509Certificate2>();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", fixture.Local.Cluster.Nodes[0].Http.Port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, chain, _) =>
        {
            received.Add(X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData()));
            received.AddRange(chain!.ChainPolicy.ExtraStore.Select(c => X509CertificateLoader.LoadCertificate(c.RawData)));
            return true;
        });
        await ssl.AuthenticateAsClientAsync("localhost");

        Assert.Equal(2, received.DistinctBy(c => c.Thumbprint).Count());
        Assert.Contains(received, c => c.Thumbprint == ca.Thumbprint);
        Assert.Contains(received, c => c.Issuer == ca.Subject && c.Thumbprint != ca.Thumbprint);
        var fingerprint = Convert.ToHexString(SHA256.HashData(ca.RawData));
        Assert.Contains(received, c => Convert.ToHexString(SHA256.HashData(c.RawData)) == fingerprint);
    }

    [Fact]
    public async Task WrongMethodAnswers405WithAllowHeader()
    {
        using var client = fixture.LocalClient();
        var (status, body, response) = await client.DeleteAsync("/_cluster/settings", "{}");
        Assert.Equal(405, status);
        Assert.Equal("Incorrect HTTP method for uri [/_cluster/settings] and method [DELETE], allowed: [GET, PUT]", (string?)body!["error"]);
        Assert.Equal("GET,PUT", string.Join(",", response.Content.Headers.Allow.Order()));
    }
}

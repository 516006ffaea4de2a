using System.Text;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>The sandbox's keystore writer/reader, cross-checked against files written by the JDK (the engine's fixtures).</summary>
public class KeystoreTests
{
    private static readonly Dictionary<string, byte[]> Entries = new()
    {
        ["keystore.seed"] = Encoding.UTF8.GetBytes("AbCdEfGhIjKlMnOp+?=!"),
        ["cluster.remote.eck1.credentials"] = Encoding.UTF8.GetBytes("aWQ6c2VjcmV0"),
    };

    [Theory]
    [InlineData(5, "")]
    [InlineData(5, "s3cret")]
    [InlineData(6, "")]
    [InlineData(6, "Pässwörd-123")]
    public void WrittenKeystoreReadsBack(int version, string password)
    {
        var bytes = ElasticsearchKeystore.Write(Entries, password, version);
        var read = ElasticsearchKeystore.Read(bytes, password);
        Assert.Equal(version, read.FormatVersion);
        Assert.Equal(password.Length > 0, read.HasPassword);
        Assert.Equal("aWQ6c2VjcmV0", read.Strings()["cluster.remote.eck1.credentials"]);
        Assert.Equal(0x3F, bytes[0]);
        Assert.Equal(version, bytes[4 + 1 + 22 + 3]);
    }

    [Fact]
    public void WrongPasswordIsReportedAsElasticsearchDoes()
    {
        var bytes = ElasticsearchKeystore.Write(Entries, "right", 6);
        var e = Assert.Throws<EsException>(() => ElasticsearchKeystore.Read(bytes, "wrong"));
        Assert.Equal("Provided keystore password was incorrect", e.Reason);
    }

    [Fact]
    public void TamperedFileIsReportedAsCorrupted()
    {
        var bytes = ElasticsearchKeystore.Write(Entries, string.Empty, 6);
        bytes[60] ^= 0xFF;
        var e = Assert.Throws<EsException>(() => ElasticsearchKeystore.Read(bytes, string.Empty));
        Assert.Equal("Keystore has been corrupted or tampered with", e.Reason);
    }

    [Theory]
    [InlineData("v5-nopassword.keystore", "")]
    [InlineData("v5-password.keystore", "Pässwörd-123")]
    [InlineData("v6-nopassword.keystore", "")]
    [InlineData("v6-password.keystore", "Pässwörd-123")]
    [InlineData("v4-password.keystore", "Pässwörd-123")]
    [InlineData("v3-nopassword.keystore", "")]
    public void ReadsKeystoresWrittenByTheJdk(string file, string password)
    {
        var path = Path.Combine(RepoRoot(), "tests", "EckRemoteCluster.Tests", "NodeConfig", "Fixtures", file);
        var read = ElasticsearchKeystore.Read(File.ReadAllBytes(path), password).Strings();
        Assert.Equal("AbCdEfGhIjKlMnOp+?=!", read["keystore.seed"]);
        Assert.Equal("chängeme-€", read["bootstrap.password"]);
        Assert.Equal("VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==", read["cluster.remote.eck1.credentials"]);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "Sandbox", "Sandbox.csproj")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}

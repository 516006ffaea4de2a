using System.Security.Cryptography;
using System.Text;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>A node's keystore file as start and reload read it: one read, one decryption, settings and description alike.</summary>
public sealed class KeystoreFileSourceTests : IDisposable
{
    private readonly string _configDir = Directory.CreateTempSubdirectory("keystore-source-").FullName;

    public void Dispose() => Directory.Delete(_configDir, recursive: true);

    [Fact]
    public void OneReadGivesTheSettingsAndTheDescriptionOfThatSameFile()
    {
        var path = Path.Combine(_configDir, ElasticsearchKeystore.FileName);
        File.WriteAllBytes(path, ElasticsearchKeystore.Write(new Dictionary<string, byte[]>
        {
            ["keystore.seed"] = Encoding.UTF8.GetBytes("seed"),
            ["cluster.remote.eck.credentials"] = Encoding.UTF8.GetBytes("aWQ6a2V5"),
        }, "pw", 6));
        var reads = 0;
        var source = new KeystoreFileSource(_configDir, "pw", 6, p => { reads++; return File.ReadAllBytes(p); });

        var read = source.Read("pw");

        Assert.Equal(1, reads);
        Assert.Equal("aWQ6a2V5", read.Settings["cluster.remote.eck.credentials"]);
        Assert.NotNull(read.Details);
        Assert.Equal(["cluster.remote.eck.credentials", "keystore.seed"], read.Details.SettingNames);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), read.Details.Sha256Hex);
        Assert.Equal(Path.GetFullPath(path), read.Details.Path);
    }

    [Fact]
    public void NoFileIsNoSettingsAndNothingToDescribe()
    {
        var read = new KeystoreFileSource(_configDir, string.Empty, 6, _ => throw new InvalidOperationException("no file to read")).Read(string.Empty);

        Assert.Empty(read.Settings);
        Assert.Null(read.Details);
    }
}

/// <summary>A reload only reads: a node whose keystore file is gone answers for itself, and the others reload.</summary>
[Collection(SharedEsCollection.Name)]
public class KeystoreMissingOnReloadTests(EsFixture fixture)
{
    [Fact]
    public async Task ANodeWithoutAKeystoreFileReportsItMissing()
    {
        using var client = fixture.LocalClient();
        var keystore = Path.Combine(fixture.Local.InstalledNodes[0].ConfigDir, ElasticsearchKeystore.FileName);
        var aside = keystore + ".aside";
        File.Move(keystore, aside);
        try
        {
            var (status, body, _) = await client.PostAsync("/_nodes/node-1/reload_secure_settings", "");

            Assert.Equal(200, status);
            var node = Assert.Single(body!["nodes"]!.AsObject()).Value!;
            Assert.Equal("illegal_state_exception", (string?)node["reload_exception"]!["type"]);
            Assert.Equal("Keystore is missing", (string?)node["reload_exception"]!["reason"]);
        }
        finally
        {
            File.Move(aside, keystore);
        }
    }
}

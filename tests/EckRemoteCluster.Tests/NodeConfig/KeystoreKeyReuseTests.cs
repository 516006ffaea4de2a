using System.Security;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.NodeConfig;

/// <summary>
/// A save reuses the key derived on read (same salt, fresh IV), and one run derives once per distinct salt: what
/// that writes must open as Elasticsearch opens it, with a derivation of its own from the password.
/// </summary>
public sealed class KeystoreKeyReuseTests : IDisposable
{
    private const string Setting = "cluster.remote.eck.credentials";
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static KeystoreContainer Container(byte[] file) => KeystoreContainer.Parse(file, "test");

    [Theory]
    [InlineData(6, true)]
    [InlineData(6, false)]
    [InlineData(4, true)]
    public void AKeystoreSavedWithTheKeyDerivedOnReadOpensWithAFreshDerivationFromThePassword(int version, bool hasPassword)
    {
        var password = hasPassword ? KeystoreTestFiles.FixturePassword : "";
        var original = File.ReadAllBytes(KeystoreTestFiles.Fixture(version, hasPassword));
        byte[] saved;
        using (var keys = new KeystoreKeys())
        using (var keystore = ElasticsearchKeystore.Parse(original, password, "fixture", keys))
        {
            keystore.SetString(Setting, "new-key");
            saved = keystore.ToFileBytes();
            Assert.Equal(1, keys.Derivations);
        }

        // No cache: the key is derived from the password and the salt in the file, as Elasticsearch does.
        using var reopened = ElasticsearchKeystore.Parse(saved, password, "saved");
        Assert.Equal("new-key", reopened.GetString(Setting));
        Assert.Equal(KeystoreTestFiles.Credentials, reopened.GetString("cluster.remote.eck1.credentials"));
        Assert.Equal(Container(original).Salt, Container(saved).Salt);
        Assert.NotEqual(Container(original).Iv, Container(saved).Iv);
    }

    [Fact]
    public void AKeystoreSavedWithTheReusedKeyStillRefusesAWrongPassword()
    {
        var original = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true));
        byte[] saved;
        using (var keys = new KeystoreKeys())
        using (var keystore = ElasticsearchKeystore.Parse(original, KeystoreTestFiles.FixturePassword, "fixture", keys))
        {
            keystore.SetString(Setting, "new-key");
            saved = keystore.ToFileBytes();
        }

        var error = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(saved, "wrong", "saved"));
        Assert.Equal("KeystorePasswordIncorrect", error.ErrorId);
    }

    [Fact]
    public void EverySaveOfTheSameKeystoreDrawsANewIv()
    {
        using var keystore = ElasticsearchKeystore.Parse(File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true)), KeystoreTestFiles.FixturePassword, "fixture");
        var ivs = Enumerable.Range(0, 5).Select(_ => Convert.ToHexString(Container(keystore.ToFileBytes()).Iv)).ToList();

        Assert.Equal(5, ivs.Distinct().Count());
    }

    [Fact]
    public void KeystoresThatShareASaltShareOneDerivationAndOthersGetTheirOwn()
    {
        var shared = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true));
        byte[] other;
        using (var created = ElasticsearchKeystore.Create(6, KeystoreTestFiles.FixturePassword))
        {
            other = created.ToFileBytes();
        }

        using var keys = new KeystoreKeys();
        using var first = ElasticsearchKeystore.Parse(shared, KeystoreTestFiles.FixturePassword, "a", keys);
        using var second = ElasticsearchKeystore.Parse(shared, KeystoreTestFiles.FixturePassword, "b", keys);
        Assert.Equal(1, keys.Derivations);

        using var third = ElasticsearchKeystore.Parse(other, KeystoreTestFiles.FixturePassword, "c", keys);
        Assert.Equal(2, keys.Derivations);
        Assert.Equal(KeystoreTestFiles.Credentials, second.GetString("cluster.remote.eck1.credentials"));
    }

    [Fact]
    public void AWrongPasswordFailsOnEveryKeystoreThatSharesTheCachedDerivation()
    {
        var shared = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true));
        using var keys = new KeystoreKeys();

        Assert.Equal("KeystorePasswordIncorrect", Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(shared, "wrong", "a", keys)).ErrorId);
        Assert.Equal("KeystorePasswordIncorrect", Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(shared, "wrong", "b", keys)).ErrorId);
    }

    [Fact]
    public void ABatchOverManyNodesWritesKeystoresThatEachOpenOnTheirOwn()
    {
        var nodes = Enumerable.Range(0, 6).Select(i => NewNode($"n{i}", i % 2 == 0 ? KeystoreTestFiles.Fixture(6, true) : null)).ToList();

        using (var batch = KeystoreBatch.Open(nodes.Select(n => new NodeDirectory(LocalNodeFiles.Instance, n)).ToList(), Secret(KeystoreTestFiles.FixturePassword)))
        {
            batch.SetEntry(Setting, Secret("new-key"));
            batch.Save("test");
        }

        foreach (var node in nodes)
        {
            using var keystore = ElasticsearchKeystore.Load(Path.Combine(node, ElasticsearchKeystore.FileName), KeystoreTestFiles.FixturePassword);
            Assert.Equal("new-key", keystore.GetString(Setting));
        }
    }

    [Fact]
    public void ABatchWithOneWrongPasswordNodeOpensNoneAndLeavesEveryNodeUnlocked()
    {
        var good = NewNode("good", KeystoreTestFiles.Fixture(6, true));
        var other = NewNode("other", null, "another-password");
        var directories = new[] { good, other }.Select(n => new NodeDirectory(LocalNodeFiles.Instance, n)).ToList();
        var before = File.ReadAllBytes(Path.Combine(good, ElasticsearchKeystore.FileName));

        var error = Assert.Throws<EckRemoteClusterException>(() => KeystoreBatch.Open(directories, Secret(KeystoreTestFiles.FixturePassword)));

        Assert.Equal("KeystorePasswordIncorrect", error.ErrorId);
        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(good, ElasticsearchKeystore.FileName)));
        using var again = KeystoreBatch.Open(directories.Take(1).ToList(), Secret(KeystoreTestFiles.FixturePassword), TimeSpan.FromSeconds(5));
    }

    /// <summary>A config directory with the fixture's keystore (a shared salt), or a new one (a salt of its own).</summary>
    private string NewNode(string name, string? fixture, string password = KeystoreTestFiles.FixturePassword)
    {
        var directory = _root.File(name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"), $"node.name: {name}\n");
        var keystore = Path.Combine(directory, ElasticsearchKeystore.FileName);
        if (fixture is not null)
        {
            File.Copy(fixture, keystore);
        }
        else
        {
            using var created = ElasticsearchKeystore.Create(6, password);
            created.Save(keystore);
        }

        return directory;
    }

    private static SecureString Secret(string value)
    {
        var secret = new SecureString();
        foreach (var c in value)
        {
            secret.AppendChar(c);
        }

        secret.MakeReadOnly();
        return secret;
    }
}

using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.NodeConfig;

/// <summary>
/// A keystore key derived by one run is found by the next run of the process for the same password, salt and rounds
/// only, for a limited time, after which it is wiped even if nothing asks for it; the cache never holds the password.
/// </summary>
public sealed class DerivedKeyCacheTests
{
    private const string Setting = "cluster.remote.eck1.credentials";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASecondRunOpensTheSameKeystoreWithoutDerivingAgain(bool prepared)
    {
        var file = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true));
        using var cache = new DerivedKeyCache();
        using (var first = new KeystoreKeys(cache))
        {
            Open(first, file, KeystoreTestFiles.FixturePassword, prepared).Dispose();
            Assert.Equal(1, first.Derivations);
        }

        using var second = new KeystoreKeys(cache);
        using var keystore = Open(second, file, KeystoreTestFiles.FixturePassword, prepared);

        Assert.Equal(0, second.Derivations);
        Assert.Equal(KeystoreTestFiles.Credentials, keystore.GetString(Setting));
    }

    [Fact]
    public void AnotherPasswordIsNotServedFromTheCacheAndAWrongOneStillFails()
    {
        var file = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true));
        using var cache = new DerivedKeyCache();
        using (var first = new KeystoreKeys(cache))
        {
            Open(first, file, KeystoreTestFiles.FixturePassword, prepared: true).Dispose();
        }

        using var second = new KeystoreKeys(cache);
        var error = Assert.Throws<EckRemoteClusterException>(() => Open(second, file, "wrong", prepared: true));

        Assert.Equal("KeystorePasswordIncorrect", error.ErrorId);
        Assert.Equal(1, second.Derivations);
    }

    [Fact]
    public void AKeystoreWithAnotherSaltIsDerivedAgain()
    {
        byte[] other;
        using (var created = ElasticsearchKeystore.Create(6, KeystoreTestFiles.FixturePassword))
        {
            created.SetString(Setting, "value");
            other = created.ToFileBytes();
        }

        using var cache = new DerivedKeyCache();
        using (var first = new KeystoreKeys(cache))
        {
            Open(first, File.ReadAllBytes(KeystoreTestFiles.Fixture(6, true)), KeystoreTestFiles.FixturePassword, prepared: true).Dispose();
        }

        using var second = new KeystoreKeys(cache);
        using var keystore = Open(second, other, KeystoreTestFiles.FixturePassword, prepared: true);

        Assert.Equal(1, second.Derivations);
        Assert.Equal("value", keystore.GetString(Setting));
    }

    [Fact]
    public void AKeyIsGoneAndWipedOnceItsLifetimeHasPassed()
    {
        var now = 1_000L;
        using var cache = new DerivedKeyCache(TimeSpan.FromMinutes(2), () => now);
        var key = new byte[] { 1, 2, 3, 4 };
        var id = cache.Id("password", [9, 9, 9], 210_000);
        cache.Remember(id, key);

        now += (long)TimeSpan.FromMinutes(2).TotalMilliseconds - 1;
        Assert.Equal(key, cache.TryGet(id));
        now += 1;
        Assert.Null(cache.TryGet(id));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void KeysAreWipedAtTheEndOfTheirLifetimeWithoutAnyoneAsking()
    {
        using var cache = new DerivedKeyCache(TimeSpan.FromMilliseconds(50));
        cache.Remember(cache.Id("password", [1], 1), new byte[] { 7 });
        Assert.Equal(1, cache.Count);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cache.Count > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TheIdTellsNeitherThePasswordNorTheSameInputsInAnotherProcess()
    {
        using var one = new DerivedKeyCache();
        using var other = new DerivedKeyCache();
        byte[] salt = [1, 2, 3];

        var id = one.Id("s3cret-Passw0rd", salt, 210_000);

        Assert.DoesNotContain("s3cret", id, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("s3cret-Passw0rd")), id, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(id, one.Id("s3cret-Passw0rd", salt, 210_000));
        Assert.NotEqual(id, one.Id("s3cret-Passw0rd", salt, 10_000));
        Assert.NotEqual(id, one.Id("s3cret-Passw0rd!", salt, 210_000));
        Assert.NotEqual(id, other.Id("s3cret-Passw0rd", salt, 210_000));
    }

    private static ElasticsearchKeystore Open(KeystoreKeys keys, byte[] file, string password, bool prepared)
    {
        if (prepared)
        {
            keys.Prepare(password, [KeystoreContainer.Parse(file, "test")]);
        }

        return ElasticsearchKeystore.Parse(file, password, "test", keys);
    }
}

using System.Security.Cryptography;
using System.Text;
using EckRemoteCluster.Engine.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.NodeConfig;

/// <summary>
/// The SIMD-lane PBKDF2-HMAC-SHA512 gives, lane by lane, exactly what the platform's Rfc2898DeriveBytes gives, for
/// batches that fill the lanes, leave some empty or need several rounds, and for passwords the HMAC treats apart
/// (empty, longer than its 128-byte block, non-ASCII); and the keys KeystoreKeys.Prepare derives open the keystores.
/// </summary>
public sealed class Pbkdf2LanesTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 1000)]
    [InlineData(8, 5)]
    [InlineData(10, 3)]
    [InlineData(17, 2)]
    public void EveryLaneMatchesThePlatformsPbkdf2(int count, int iterations)
    {
        var random = new Random(count * 1000 + iterations);
        var inputs = Enumerable.Range(0, count).Select(i => (Password: Password(random, i), Salt: Bytes(random, i % 3 == 0 ? 64 : 16 + i))).ToList();

        var keys = Pbkdf2Lanes.Derive(inputs, iterations, 16);

        Assert.Equal(count, keys.Length);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(Expected(inputs[i].Password, inputs[i].Salt, iterations, 16), keys[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(64)]
    public void EveryKeyLengthOfOneBlockMatches(int keyLength)
    {
        var inputs = new List<(char[], byte[])> { ("changeme".ToCharArray(), Bytes(new Random(1), 64)), ("other".ToCharArray(), Bytes(new Random(2), 64)) };

        var keys = Pbkdf2Lanes.Derive(inputs, 7, keyLength);

        Assert.Equal(Expected(inputs[0].Item1, inputs[0].Item2, 7, keyLength), keys[0]);
        Assert.Equal(Expected(inputs[1].Item1, inputs[1].Item2, 7, keyLength), keys[1]);
    }

    [Fact]
    public void TheKeystoresIterationCountMatchesToo()
    {
        var random = new Random(6);
        var inputs = Enumerable.Range(0, 3).Select(i => (Password: i == 0 ? Array.Empty<char>() : "keystore-password".ToCharArray(), Salt: Bytes(random, 64))).ToList();

        var keys = Pbkdf2Lanes.Derive(inputs, KeystoreFormat.KdfIterations(6), KeystoreFormat.KeyLength);

        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(KeystoreCipher.DeriveKey(inputs[i].Password, inputs[i].Salt, 6), keys[i]);
        }
    }

    [Fact]
    public void PreparedKeysOpenKeystoresWithSaltsOfTheirOwnAndDeriveOncePerSalt()
    {
        var password = KeystoreTestFiles.FixturePassword;
        var files = Enumerable.Range(0, 5).Select(_ =>
        {
            using var created = ElasticsearchKeystore.Create(6, password);
            created.SetString("cluster.remote.eck.credentials", "value");
            return created.ToFileBytes();
        }).ToList();
        files.Add(files[0]);   // a copy: same salt
        using var keys = new KeystoreKeys();

        keys.Prepare(password, files.Select(f => KeystoreContainer.Parse(f, "test")));

        Assert.Equal(5, keys.Derivations);
        foreach (var file in files)
        {
            using var keystore = ElasticsearchKeystore.Parse(file, password, "test", keys);
            Assert.Equal("value", keystore.GetString("cluster.remote.eck.credentials"));
        }

        Assert.Equal(5, keys.Derivations);
        Assert.Equal("KeystorePasswordIncorrect", Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(files[1], "wrong", "test")).ErrorId);
    }

    private static byte[] Expected(char[] password, byte[] salt, int iterations, int length)
    {
        var key = new byte[length];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, key, iterations, HashAlgorithmName.SHA512);
        return key;
    }

    private static char[] Password(Random random, int index) => (index % 4) switch
    {
        0 => [],
        1 => new string('p', 129 + index).ToCharArray(),   // longer than HMAC-SHA512's block: hashed first
        2 => "pässwörd-€-".ToCharArray(),
        _ => Encoding.ASCII.GetString(Bytes(random, 8 + index).Select(b => (byte)(33 + (b % 90))).ToArray()).ToCharArray(),
    };

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

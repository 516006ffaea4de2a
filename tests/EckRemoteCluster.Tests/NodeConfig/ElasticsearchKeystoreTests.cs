using System.Buffers.Binary;
using System.Text;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Tests.NodeConfig;

public class ElasticsearchKeystoreTests
{
    public static TheoryData<int, bool> AllFixtures()
    {
        var data = new TheoryData<int, bool>();
        for (int version = 3; version <= 6; version++)
        {
            data.Add(version, false);
            data.Add(version, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Load_ReadsKeystoreWrittenByJava(int version, bool password)
    {
        using var keystore = ElasticsearchKeystore.Load(
            KeystoreTestFiles.Fixture(version, password), password ? KeystoreTestFiles.FixturePassword : "");

        Assert.Equal(version, keystore.Version);
        Assert.Equal(password, keystore.HasPassword);
        Assert.Equal(
            ["keystore.seed", "cluster.remote.eck1.credentials", "bootstrap.password", "binary.file"],
            keystore.Names);
        Assert.Equal("AbCdEfGhIjKlMnOp+?=!", keystore.GetString("keystore.seed"));
        Assert.Equal(KeystoreTestFiles.Credentials, keystore.GetString("cluster.remote.eck1.credentials"));
        Assert.Equal("chängeme-€", keystore.GetString("bootstrap.password"));
        Assert.Equal(KeystoreTestFiles.BinaryValue(), keystore.GetBytes("binary.file"));
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void SaveAfterAdd_KeepsVersionPasswordAndEveryOtherEntryByteForByte(int version, bool password)
    {
        using var dir = new TempDirectory();
        string path = dir.File("elasticsearch.keystore");
        File.Copy(KeystoreTestFiles.Fixture(version, password), path);
        string pw = password ? KeystoreTestFiles.FixturePassword : "";

        Dictionary<string, byte[]> before;
        using (var keystore = ElasticsearchKeystore.Load(path, pw))
        {
            before = keystore.Entries.ToDictionary(e => e.Key, e => e.Value.ToArray());
            Assert.True(keystore.SetString("cluster.remote.eck2.credentials", "bmV3OmtleQ=="));
            keystore.Save(path);
        }

        using var reloaded = ElasticsearchKeystore.Load(path, pw);
        Assert.Equal(version, reloaded.Version);
        Assert.Equal(password, reloaded.HasPassword);
        Assert.Equal("bmV3OmtleQ==", reloaded.GetString("cluster.remote.eck2.credentials"));
        foreach (var (name, bytes) in before)
        {
            Assert.Equal(bytes, reloaded.GetBytes(name));
        }

        Assert.Equal(before.Count + 1, reloaded.Names.Count);
    }

    [Fact]
    public void Save_V3_KeepsEachEntrysTypeString()
    {
        using var keystore = ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(3, false), "");
        keystore.SetString("cluster.remote.eck2.credentials", "x");
        byte[] file = keystore.ToFileBytes();

        // Decrypting is covered elsewhere; here the plaintext layout matters, so decrypt with the same primitives.
        var container = KeystoreContainer.Parse(file, "test");
        byte[] key = KeystoreCipher.DeriveKey("", container.Salt, 3);
        byte[] plaintext = KeystoreCipher.Decrypt(key, container.Salt, container.Iv, container.Ciphertext)!;
        string text = Encoding.Latin1.GetString(plaintext);

        Assert.Contains("\u0000\u000bbinary.file\u0000\u0004FILE", text);
        Assert.Contains("\u0000\u001fcluster.remote.eck2.credentials\u0000\u0006STRING", text);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void Save_WritesIntsInTheVersionsByteOrder(int version, bool littleEndian)
    {
        using var keystore = ElasticsearchKeystore.Create(version, "");
        byte[] file = keystore.ToFileBytes();

        // header: magic(4) + vint(1) + name(22) + version(4) + hasPassword(1) = 32; then data length, then salt length 64
        Assert.Equal(version, BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(27)));
        int saltLength = littleEndian
            ? BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(36))
            : BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(36));
        Assert.Equal(64, saltLength);
        int dataLength = littleEndian
            ? BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(32))
            : BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(32));
        Assert.Equal(file.Length - 36 - 16, dataLength);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Create_HasARandomSeedFromEsAlphabetAndRoundTrips(int version)
    {
        using var dir = new TempDirectory();
        string path = dir.File("elasticsearch.keystore");
        string seed1, seed2;
        using (var keystore = ElasticsearchKeystore.Create(version, "s3cret"))
        {
            seed1 = keystore.GetString("keystore.seed");
            keystore.Save(path);
        }

        using (var other = ElasticsearchKeystore.Create(version, ""))
        {
            seed2 = other.GetString("keystore.seed");
        }

        Assert.Equal(20, seed1.Length);
        Assert.All(seed1, c => Assert.Contains(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~!@#$%^&*-_=+?"));
        Assert.NotEqual(seed1, seed2);

        using var loaded = ElasticsearchKeystore.Load(path, "s3cret");
        Assert.Equal(version, loaded.Version);
        Assert.True(loaded.HasPassword);
        Assert.Equal(["keystore.seed"], loaded.Names);
        Assert.Equal(seed1, loaded.GetString("keystore.seed"));
    }

    [Fact]
    public void Load_WrongPassword_FailsWithEsMessage()
    {
        var e = Assert.Throws<EckRemoteClusterException>(
            () => ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(5, true), "wrong"));

        Assert.Equal("KeystorePasswordIncorrect", e.ErrorId);
        Assert.Equal(EckErrorCategory.AuthenticationError, e.Category);
        Assert.Contains("Provided keystore password was incorrect", e.Message);
        Assert.DoesNotContain("wrong", e.Message);
    }

    [Fact]
    public void Load_PasswordProtectedWithoutPassword_AsksForIt()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(6, true), ""));
        Assert.Equal("KeystorePasswordRequired", e.ErrorId);
    }

    [Fact]
    public void Load_PasswordlessKeystore_IgnoresASuppliedPassword()
    {
        using var keystore = ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(6, false), "anything");
        Assert.False(keystore.HasPassword);
        Assert.Equal(KeystoreTestFiles.Credentials, keystore.GetString("cluster.remote.eck1.credentials"));
    }

    public static TheoryData<string, int> Corruptions() => new()
    {
        { "flip a ciphertext byte", 200 },
        { "flip the hasPassword flag", 31 },
        { "flip a salt byte", 45 },
        { "flip a CRC byte", -1 },
        { "flip the footer magic", -16 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_AlteredFile_IsReportedCorrupted(string what, int offset)
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(5, false));
        int index = offset >= 0 ? offset : file.Length + offset;
        file[index] ^= 0x01;

        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", what));

        Assert.Equal("KeystoreCorrupted", e.ErrorId);
        Assert.Contains("Keystore has been corrupted or tampered with", e.Message);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    [InlineData(605)]
    public void Load_TruncatedFile_IsReportedCorrupted(int length)
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(4, false))[..length];
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "truncated"));
        Assert.Equal("KeystoreCorrupted", e.ErrorId);
    }

    [Fact]
    public void Load_ExtendedFile_IsReportedCorrupted()
    {
        byte[] file = [.. File.ReadAllBytes(KeystoreTestFiles.Fixture(4, false)), 0];
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "extended"));
        Assert.Equal("KeystoreCorrupted", e.ErrorId);
    }

    [Fact]
    public void Load_CorruptionWithRecomputedCrc_IsStillDetectedByTheTag()
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, false));
        file[300] ^= 0x80;
        uint crc = Crc32.Compute(file.AsSpan(0, file.Length - 8));
        BinaryPrimitives.WriteInt64BigEndian(file.AsSpan(file.Length - 8), crc);

        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "tampered"));
        Assert.Equal("KeystorePasswordIncorrect", e.ErrorId);
    }

    [Fact]
    public void Load_NewerVersion_IsTooNew()
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, false));
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(27), 7);

        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "new"));
        Assert.Equal("KeystoreFormatTooNew", e.ErrorId);
        Assert.Contains("format is too new", e.Message);
    }

    [Fact]
    public void Load_VersionTwo_IsTooOld()
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(3, false));
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(27), 2);

        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "old"));
        Assert.Equal("KeystoreFormatTooOld", e.ErrorId);
    }

    [Theory]
    [InlineData("cluster.name: x\n")]
    [InlineData("")]
    public void Load_NotAKeystore_IsInvalidFormat(string content)
    {
        var e = Assert.Throws<EckRemoteClusterException>(
            () => ElasticsearchKeystore.Parse(Encoding.UTF8.GetBytes(content), "", "elasticsearch.yml"));
        Assert.Equal("KeystoreInvalidFormat", e.ErrorId);
    }

    [Fact]
    public void Load_OtherLuceneCodec_IsInvalidFormat()
    {
        byte[] file = File.ReadAllBytes(KeystoreTestFiles.Fixture(6, false));
        file[5] = (byte)'E';
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Parse(file, "", "segments"));
        Assert.Equal("KeystoreInvalidFormat", e.ErrorId);
    }

    [Fact]
    public void Load_MissingFile_IsNotFound()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Load(dir.File("elasticsearch.keystore"), ""));
        Assert.Equal("KeystoreNotFound", e.ErrorId);
        Assert.Equal(EckErrorCategory.ObjectNotFound, e.Category);
    }

    [Theory]
    [InlineData("cluster.remote.my:alias.credentials")]
    [InlineData("with space")]
    [InlineData("")]
    [InlineData("ünicode")]
    public void Set_InvalidName_IsRejected(string name)
    {
        using var keystore = ElasticsearchKeystore.Create(6, "");
        var e = Assert.Throws<EckRemoteClusterException>(() => keystore.SetString(name, "v"));
        Assert.Equal("InvalidKeystoreSettingName", e.ErrorId);
        Assert.False(keystore.Contains(name));
    }

    [Fact]
    public void Set_SameValue_ReportsNoChange_AndNewValueReportsChange()
    {
        using var keystore = ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(6, false), "");
        Assert.False(keystore.SetString("cluster.remote.eck1.credentials", KeystoreTestFiles.Credentials));
        Assert.True(keystore.SetString("cluster.remote.eck1.credentials", "other"));
        Assert.Equal("other", keystore.GetString("cluster.remote.eck1.credentials"));
    }

    [Fact]
    public void Set_CopiesTheCallersBuffer()
    {
        using var keystore = ElasticsearchKeystore.Create(6, "");
        byte[] value = [1, 2, 3];
        keystore.Set("a.b", value);
        value[0] = 9;
        Assert.Equal([1, 2, 3], keystore.GetBytes("a.b"));
    }

    [Fact]
    public void Remove_DropsOnlyThatEntry()
    {
        using var keystore = ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(5, true), KeystoreTestFiles.FixturePassword);
        Assert.True(keystore.Remove("bootstrap.password"));
        Assert.False(keystore.Remove("bootstrap.password"));
        using var reloaded = ElasticsearchKeystore.Parse(keystore.ToFileBytes(), KeystoreTestFiles.FixturePassword, "mem");
        Assert.Equal(["keystore.seed", "cluster.remote.eck1.credentials", "binary.file"], reloaded.Names);
    }

    [Fact]
    public void Save_KeepsThePreviousFileAsBackup_AndLeavesNoTempFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("elasticsearch.keystore");
        File.Copy(KeystoreTestFiles.Fixture(6, false), path);
        byte[] original = File.ReadAllBytes(path);

        using (var keystore = ElasticsearchKeystore.Load(path, ""))
        {
            keystore.Remove("binary.file");
            keystore.Save(path);
        }

        Assert.Equal(original, File.ReadAllBytes(path + ".bak"));
        Assert.NotEqual(original, File.ReadAllBytes(path));
        Assert.Equal(
            ["elasticsearch.keystore", "elasticsearch.keystore.bak"],
            Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void Save_KeepsTheFilesPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        string path = dir.File("elasticsearch.keystore");
        File.Copy(KeystoreTestFiles.Fixture(6, false), path);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.SetUnixFileMode(path, mode);

        using (var keystore = ElasticsearchKeystore.Load(path, ""))
        {
            keystore.SetString("x.y", "z");
            keystore.Save(path);
        }

        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Save_NewFile_IsReadableOnlyByOwnerAndGroup()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        string path = dir.File("elasticsearch.keystore");
        using (var keystore = ElasticsearchKeystore.Create(6, ""))
        {
            keystore.Save(path);
        }

        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".bak"));
    }

    [Fact]
    public void Save_IntoMissingDirectory_FailsWithWriteError()
    {
        using var dir = new TempDirectory();
        using var keystore = ElasticsearchKeystore.Create(6, "");
        var e = Assert.Throws<EckRemoteClusterException>(() => keystore.Save(Path.Combine(dir.Path, "missing", "elasticsearch.keystore")));
        Assert.Equal("KeystoreWriteFailed", e.ErrorId);
    }

    [Fact]
    public void Save_UsesAFreshIvEachTime()
    {
        using var keystore = ElasticsearchKeystore.Create(5, "");
        byte[] first = keystore.ToFileBytes();
        byte[] second = keystore.ToFileBytes();
        Assert.Equal(first.Length, second.Length);
        Assert.NotEqual(first.AsSpan(108, 12).ToArray(), second.AsSpan(108, 12).ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    public void Create_UnsupportedVersion_IsRejected(int version)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchKeystore.Create(version, ""));
        Assert.Equal("KeystoreVersionNotSupported", e.ErrorId);
    }

    [Fact]
    public void Dispose_WipesTheValuesHandedOutAsViews()
    {
        var keystore = ElasticsearchKeystore.Load(KeystoreTestFiles.Fixture(4, false), "");
        var view = keystore.Entries["cluster.remote.eck1.credentials"];
        keystore.Dispose();
        Assert.All(view.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => keystore.GetString("keystore.seed"));
    }
}

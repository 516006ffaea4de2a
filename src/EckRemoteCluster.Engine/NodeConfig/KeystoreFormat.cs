namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// Constants of the elasticsearch.keystore format (Elasticsearch KeyStoreWrapper on top of Lucene CodecUtil).
/// Version changelog: 3 = ES 6.3 (entry type strings inside the plaintext), 4 = ES 6.8/7.1 (type strings dropped),
/// 5 = ES 8.0 (Lucene writes its ints little-endian), 6 = ES 8.14 (PBKDF2 iterations 10,000 → 210,000).
/// </summary>
internal static class KeystoreFormat
{
    public const string CodecName = "elasticsearch.keystore";
    public const int CodecMagic = 0x3FD76C17;
    public const int FooterMagic = ~CodecMagic;
    public const int FooterLength = 16;
    public const int MinimumVersion = 3;
    public const int LatestVersion = 6;
    public const int LegacyTypeVersion = 3;
    public const int LittleEndianVersion = 5;
    public const int HigherKdfIterationVersion = 6;
    public const int SaltLength = 64;
    public const int IvLength = 12;
    public const int TagLength = 16;
    public const int KeyLength = 16;

    /// <summary>The type string ES 6.x stored with each v3 entry; entries this module adds hold text.</summary>
    public const string LegacyStringType = "STRING";

    /// <summary>The seed setting every keystore carries, and the alphabet ES draws its 20 characters from.</summary>
    public const string SeedSettingName = "keystore.seed";
    public const int SeedLength = 20;
    public const string SeedAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~!@#$%^&*-_=+?";

    public static int KdfIterations(int version) => version < HigherKdfIterationVersion ? 10_000 : 210_000;

    public static bool UsesLittleEndian(int version) => version >= LittleEndianVersion;
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// elasticsearch.keystore as KeyStoreWrapper writes it (formats 5 and 6; reads 3–6): a Lucene codec header, the
/// password flag, AES-128-GCM data keyed by PBKDF2-HMAC-SHA512 over the password (AAD = salt), and a CRC32 footer.
/// The plaintext is a Java DataOutputStream: count, then per entry writeUTF(name), (v3: type), int length, bytes.
/// </summary>
public static class ElasticsearchKeystore
{
    public const string FileName = "elasticsearch.keystore";
    private const int CodecMagic = 0x3FD76C17;
    private const int FooterMagic = ~CodecMagic;
    private const string CodecName = "elasticsearch.keystore";
    private const string SeedChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~!@#$%^&*-_=+?";

    public sealed record Contents(int FormatVersion, bool HasPassword, IReadOnlyDictionary<string, byte[]> Entries)
    {
        public IReadOnlyDictionary<string, string> Strings() =>
            Entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);
    }

    public static string NewSeed() =>
        new([.. Enumerable.Range(0, 20).Select(_ => SeedChars[RandomNumberGenerator.GetInt32(SeedChars.Length)])]);

    public static int Iterations(int formatVersion) => formatVersion >= 6 ? 210_000 : 10_000;

    public static byte[] Write(IReadOnlyDictionary<string, byte[]> entries, string password, int formatVersion)
    {
        if (formatVersion is < 5 or > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(formatVersion), "The sandbox writes keystore formats 5 and 6.");
        }

        var plain = new MemoryStream();
        WriteInt32BigEndian(plain, entries.Count);
        foreach (var (name, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            plain.WriteByte((byte)(nameBytes.Length >> 8));
            plain.WriteByte((byte)nameBytes.Length);
            plain.Write(nameBytes);
            WriteInt32BigEndian(plain, value.Length);
            plain.Write(value);
        }

        var salt = RandomNumberGenerator.GetBytes(64);
        var iv = RandomNumberGenerator.GetBytes(12);
        var key = DeriveKey(password, salt, formatVersion);
        var plaintext = plain.ToArray();
        var ciphertext = new byte[plaintext.Length + 16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(iv, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), salt);
        }

        var file = new MemoryStream();
        WriteInt32BigEndian(file, CodecMagic);
        file.WriteByte((byte)CodecName.Length);
        file.Write(Encoding.UTF8.GetBytes(CodecName));
        WriteInt32BigEndian(file, formatVersion);
        file.WriteByte(password.Length == 0 ? (byte)0 : (byte)1);
        WriteInt32(file, 4 + salt.Length + 4 + iv.Length + 4 + ciphertext.Length, formatVersion);
        WriteInt32(file, salt.Length, formatVersion);
        file.Write(salt);
        WriteInt32(file, iv.Length, formatVersion);
        file.Write(iv);
        WriteInt32(file, ciphertext.Length, formatVersion);
        file.Write(ciphertext);
        WriteInt32BigEndian(file, FooterMagic);
        WriteInt32BigEndian(file, 0);
        var checksum = Crc32.HashToUInt32(file.ToArray());
        Span<byte> footer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(footer, checksum);
        file.Write(footer);
        return file.ToArray();
    }

    /// <summary>The oldest format KeyStoreWrapper reads (MIN_FORMAT_VERSION, 6.3's).</summary>
    public const int MinFormatVersion = 3;

    /// <summary>Reads and decrypts; failures are the exceptions Elasticsearch reports at start and on reload.</summary>
    /// <param name="maxFormatVersion">The newest format the reading node's Elasticsearch knows (its KeyStoreWrapper.CURRENT_VERSION).</param>
    /// <param name="path">The keystore's path, as the messages name it.</param>
    public static Contents Read(byte[] bytes, string password, int maxFormatVersion = 6, string path = FileName)
    {
        if (bytes.Length < 16 + CodecName.Length || BinaryPrimitives.ReadInt32BigEndian(bytes) != CodecMagic)
        {
            throw Corrupted();
        }

        var checksumStart = bytes.Length - 8;
        var expected = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(checksumStart));
        if (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(checksumStart - 8)) != FooterMagic
            || Crc32.HashToUInt32(bytes.AsSpan(0, checksumStart)) != expected)
        {
            throw Corrupted();
        }

        var position = 4;
        var nameLength = bytes[position++];
        if (Encoding.UTF8.GetString(bytes, position, nameLength) != CodecName)
        {
            throw Corrupted();
        }

        position += nameLength;
        var version = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(position));
        position += 4;
        if (version > maxFormatVersion || version < MinFormatVersion)
        {
            throw FormatNotSupported(version, maxFormatVersion, path);
        }

        var hasPassword = bytes[position++] == 1;
        position += 4;
        var salt = ReadBlock(bytes, ref position, version);
        var iv = ReadBlock(bytes, ref position, version);
        var encrypted = ReadBlock(bytes, ref position, version);
        var plaintext = new byte[encrypted.Length - 16];
        try
        {
            using var aes = new AesGcm(DeriveKey(password, salt, version), 16);
            aes.Decrypt(iv, encrypted.AsSpan(0, plaintext.Length), encrypted.AsSpan(plaintext.Length), plaintext, salt);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new EsException(500, "security_exception", "Provided keystore password was incorrect");
        }

        return new Contents(version, hasPassword, ParseEntries(plaintext, version));
    }

    private static Dictionary<string, byte[]> ParseEntries(byte[] plaintext, int version)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var position = 0;
        var count = BinaryPrimitives.ReadInt32BigEndian(plaintext);
        position += 4;
        for (var i = 0; i < count; i++)
        {
            var name = ReadUtf(plaintext, ref position);
            if (version == 3)
            {
                ReadUtf(plaintext, ref position);
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(plaintext.AsSpan(position));
            position += 4;
            entries[name] = plaintext.AsSpan(position, length).ToArray();
            position += length;
        }

        return entries;
    }

    /// <summary>Java's writeUTF: u16 length, then modified UTF-8 (identical to UTF-8 for the names settings allow).</summary>
    private static string ReadUtf(byte[] data, ref int position)
    {
        var length = (data[position] << 8) | data[position + 1];
        position += 2;
        var text = Encoding.UTF8.GetString(data, position, length);
        position += length;
        return text;
    }

    private static byte[] ReadBlock(byte[] bytes, ref int position, int version)
    {
        var length = version >= 5
            ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position))
            : BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(position));
        position += 4;
        var block = bytes.AsSpan(position, length).ToArray();
        position += length;
        return block;
    }

    private static byte[] DeriveKey(string password, byte[] salt, int version) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations(version), HashAlgorithmName.SHA512, 16);

    private static void WriteInt32BigEndian(Stream stream, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    /// <summary>Lucene's DataOutput.writeInt: big-endian before format 5, little-endian from 5 (Lucene 9).</summary>
    private static void WriteInt32(Stream stream, int value, int version)
    {
        Span<byte> buffer = stackalloc byte[4];
        if (version >= 5)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        }
        else
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, value);
        }

        stream.Write(buffer);
    }

    private static EsException Corrupted() => new(500, "security_exception", "Keystore has been corrupted or tampered with");

    /// <summary>
    /// KeyStoreWrapper.load around Lucene's CodecUtil.checkHeader: an IllegalStateException ("format is too new. Are you
    /// trying to downgrade?" or "too old") caused by IndexFormatTooNewException/IndexFormatTooOldException.
    /// </summary>
    private static EsException FormatNotSupported(int version, int maxFormatVersion, string path)
    {
        var tooNew = version > maxFormatVersion;
        var lucene = new EsException(500, tooNew ? "index_format_too_new_exception" : "index_format_too_old_exception",
            $"Format version is not supported (resource BufferedChecksumIndexInput(SimpleFSIndexInput(path=\"{path}\"))): {version} (needs to be between {MinFormatVersion} and {maxFormatVersion})");
        return new EsException(500, "illegal_state_exception", tooNew
            ? $"The Elasticsearch keystore [{path}] format is too new. Are you trying to downgrade? You should delete and recreate it in order to downgrade."
            : $"The Elasticsearch keystore [{path}] format is too old. You should delete and recreate it in order to upgrade.", lucene);
    }
}

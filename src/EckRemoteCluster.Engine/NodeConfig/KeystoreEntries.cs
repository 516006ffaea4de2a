using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>One decrypted entry; v3 files also carry a type string per entry, kept so a rewrite preserves it.</summary>
internal sealed class KeystoreEntry(byte[] value, string? legacyType)
{
    public byte[] Value { get; } = value;

    public string? LegacyType { get; } = legacyType;

    public void Wipe() => CryptographicOperations.ZeroMemory(Value);
}

/// <summary>
/// The decrypted payload, written by Java's DataOutputStream (big-endian whatever the file version):
/// int32 count, then per entry writeUTF(name), [v3: writeUTF(type)], int32 length, bytes.
/// </summary>
internal static class KeystoreEntries
{
    public static List<KeyValuePair<string, KeystoreEntry>> Parse(ReadOnlySpan<byte> plaintext, int version, string source)
    {
        int position = 0;
        if (!TryReadInt32(plaintext, ref position, out int count) || count < 0)
        {
            throw KeystoreErrors.Corrupted(source, "entry count is malformed");
        }

        var entries = new List<KeyValuePair<string, KeystoreEntry>>(Math.Min(count, 1024));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if (!TryReadUtf(plaintext, ref position, out string name) || !seen.Add(name))
            {
                throw KeystoreErrors.Corrupted(source, $"entry {i} has a malformed or repeated name");
            }

            string? type = null;
            if (version == KeystoreFormat.LegacyTypeVersion && !TryReadUtf(plaintext, ref position, out type))
            {
                throw KeystoreErrors.Corrupted(source, $"entry [{name}] has a malformed type");
            }

            if (!TryReadInt32(plaintext, ref position, out int length) || length < 0 || plaintext.Length - position < length)
            {
                throw KeystoreErrors.Corrupted(source, $"entry [{name}] has a malformed length");
            }

            entries.Add(new(name, new KeystoreEntry(plaintext.Slice(position, length).ToArray(), type)));
            position += length;
        }

        if (position != plaintext.Length)
        {
            throw KeystoreErrors.Corrupted(source, "unexpected bytes after the last entry");
        }

        return entries;
    }

    /// <summary>Serialises into one exactly sized buffer, so the caller can wipe every copy of the plaintext.</summary>
    public static byte[] Serialize(IReadOnlyList<KeyValuePair<string, KeystoreEntry>> entries, int version)
    {
        var encoded = new List<(byte[] Name, byte[]? Type, byte[] Value)>(entries.Count);
        int size = 4;
        foreach (var (name, entry) in entries)
        {
            byte[] nameBytes = JavaModifiedUtf8.Encode(name);
            byte[]? typeBytes = version == KeystoreFormat.LegacyTypeVersion
                ? JavaModifiedUtf8.Encode(entry.LegacyType ?? KeystoreFormat.LegacyStringType)
                : null;
            size += 2 + nameBytes.Length + (typeBytes is null ? 0 : 2 + typeBytes.Length) + 4 + entry.Value.Length;
            encoded.Add((nameBytes, typeBytes, entry.Value));
        }

        var buffer = new byte[size];
        int position = 0;
        BinaryPrimitives.WriteInt32BigEndian(buffer, entries.Count);
        position += 4;
        foreach (var (name, type, value) in encoded)
        {
            WriteUtf(buffer, ref position, name);
            if (type is not null)
            {
                WriteUtf(buffer, ref position, type);
            }

            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(position), value.Length);
            position += 4;
            value.CopyTo(buffer, position);
            position += value.Length;
        }

        return buffer;
    }

    private static void WriteUtf(byte[] buffer, ref int position, byte[] encoded)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(position), (ushort)encoded.Length);
        position += 2;
        encoded.CopyTo(buffer, position);
        position += encoded.Length;
    }

    private static bool TryReadInt32(ReadOnlySpan<byte> data, ref int position, out int value)
    {
        value = 0;
        if (data.Length - position < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
        position += 4;
        return true;
    }

    private static bool TryReadUtf(ReadOnlySpan<byte> data, ref int position, out string value)
    {
        value = string.Empty;
        if (data.Length - position < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
        position += 2;
        if (data.Length - position < length)
        {
            return false;
        }

        bool ok = JavaModifiedUtf8.TryDecode(data.Slice(position, length), out value);
        position += length;
        return ok;
    }
}

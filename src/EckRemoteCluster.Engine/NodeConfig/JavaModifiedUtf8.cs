using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The string encoding of Java's DataOutputStream.writeUTF / DataInputStream.readUTF: UTF-16 code units
/// encoded one by one (surrogates separately), U+0000 as two bytes, preceded by an unsigned 16-bit
/// big-endian byte count. Keystore entry names are stored this way.
/// </summary>
internal static class JavaModifiedUtf8
{
    public const int MaxEncodedLength = ushort.MaxValue;

    public static byte[] Encode(string value)
    {
        var bytes = new List<byte>(value.Length);
        foreach (char c in value)
        {
            if (c >= 0x0001 && c <= 0x007F)
            {
                bytes.Add((byte)c);
            }
            else if (c <= 0x07FF)
            {
                bytes.Add((byte)(0xC0 | ((c >> 6) & 0x1F)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
            else
            {
                bytes.Add((byte)(0xE0 | ((c >> 12) & 0x0F)));
                bytes.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
        }

        if (bytes.Count > MaxEncodedLength)
        {
            throw new ArgumentException($"The string is longer than {MaxEncodedLength} bytes in modified UTF-8.", nameof(value));
        }

        return bytes.ToArray();
    }

    /// <summary>Decodes the bytes; returns false on a malformed sequence, as readUTF would throw.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string value)
    {
        var builder = new StringBuilder(bytes.Length);
        int i = 0;
        while (i < bytes.Length)
        {
            int b = bytes[i];
            if ((b & 0x80) == 0)
            {
                builder.Append((char)b);
                i++;
            }
            else if ((b & 0xE0) == 0xC0)
            {
                if (i + 1 >= bytes.Length || (bytes[i + 1] & 0xC0) != 0x80)
                {
                    value = string.Empty;
                    return false;
                }

                builder.Append((char)(((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
                i += 2;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                if (i + 2 >= bytes.Length || (bytes[i + 1] & 0xC0) != 0x80 || (bytes[i + 2] & 0xC0) != 0x80)
                {
                    value = string.Empty;
                    return false;
                }

                builder.Append((char)(((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
                i += 3;
            }
            else
            {
                value = string.Empty;
                return false;
            }
        }

        value = builder.ToString();
        return true;
    }
}

using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>How elasticsearch.yml was encoded, so an edited file keeps every byte outside the edited lines.</summary>
public enum YmlFileEncoding
{
    Utf8,
    Utf8WithBom,
    Utf16LittleEndian,
    Utf16BigEndian,
}

/// <summary>
/// elasticsearch.yml bytes to editable text and back without losing a byte: the byte order mark is set aside and put
/// back, and UTF-8 is decoded leniently, each byte that is not valid UTF-8 (a Latin-1 é in a comment) becoming the
/// lone surrogate U+DC80+byte (as Python's surrogateescape does) and turning back into that very byte when encoded.
/// The editor splices only the lines it changes, so line endings and <c>${VAR}</c> values elsewhere stay as they are.
/// </summary>
public static class YmlFileText
{
    private const char EscapeBase = '\uDC00';

    public static (string Text, YmlFileEncoding Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (DecodeUtf8(bytes[3..]), YmlFileEncoding.Utf8WithBom);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode.GetString(bytes[2..]), YmlFileEncoding.Utf16LittleEndian);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode.GetString(bytes[2..]), YmlFileEncoding.Utf16BigEndian);
        }

        return (DecodeUtf8(bytes), YmlFileEncoding.Utf8);
    }

    public static byte[] Encode(string text, YmlFileEncoding encoding)
    {
        switch (encoding)
        {
            case YmlFileEncoding.Utf16LittleEndian:
                return [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];
            case YmlFileEncoding.Utf16BigEndian:
                return [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)];
        }

        var output = new List<byte>(text.Length + 3);
        if (encoding == YmlFileEncoding.Utf8WithBom)
        {
            output.AddRange([0xEF, 0xBB, 0xBF]);
        }

        Span<byte> buffer = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= EscapeBase + 0x80 && c <= EscapeBase + 0xFF && !(i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                output.Add((byte)(c - EscapeBase));
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int n = new Rune(c, text[i + 1]).EncodeToUtf8(buffer);
                output.AddRange(buffer[..n].ToArray());
                i++;
                continue;
            }

            int written = (Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar).EncodeToUtf8(buffer);
            output.AddRange(buffer[..written].ToArray());
        }

        return [.. output];
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                for (int i = 0; i < consumed; i++)
                {
                    text.Append((char)(EscapeBase + bytes[i]));
                }
            }

            bytes = bytes[consumed..];
        }

        return text.ToString();
    }
}

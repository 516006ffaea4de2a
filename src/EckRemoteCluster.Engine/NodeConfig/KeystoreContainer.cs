using System.Buffers.Binary;
using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The unencrypted frame of an elasticsearch.keystore file:
/// <code>
/// BE int32 CodecMagic | VInt length + "elasticsearch.keystore" | BE int32 version      (Lucene CodecUtil header)
/// byte hasPassword (0|1)
/// int32 dataLength, then data = int32 saltLength | salt | int32 ivLength | iv | int32 cipherLength | ciphertext+tag
/// BE int32 FooterMagic | BE int32 0 | BE int64 CRC-32 of every byte before it          (Lucene CodecUtil footer)
/// </code>
/// The int32s outside header and footer are Lucene DataOutput ints: big-endian before version 5, little-endian
/// from version 5 (Lucene 9).
/// </summary>
internal sealed record KeystoreContainer(int Version, bool HasPassword, byte[] Salt, byte[] Iv, byte[] Ciphertext)
{
    public static KeystoreContainer Parse(ReadOnlySpan<byte> file, string source)
    {
        var reader = new SpanReader(file);
        if (file.Length < 4 || reader.ReadInt32BigEndian() != KeystoreFormat.CodecMagic)
        {
            throw KeystoreErrors.InvalidFormat(source, "codec header magic missing");
        }

        if (!reader.TryReadVInt(out int nameLength) || nameLength < 0 || !reader.TryReadBytes(nameLength, out var name)
            || Encoding.UTF8.GetString(name) != KeystoreFormat.CodecName)
        {
            throw KeystoreErrors.InvalidFormat(source, $"codec name is not {KeystoreFormat.CodecName}");
        }

        if (!reader.TryReadInt32(littleEndian: false, out int version))
        {
            throw KeystoreErrors.Corrupted(source, "truncated header");
        }

        if (version > KeystoreFormat.LatestVersion)
        {
            throw KeystoreErrors.FormatTooNew(source, version);
        }

        if (version < KeystoreFormat.MinimumVersion)
        {
            throw KeystoreErrors.FormatTooOld(source, version);
        }

        VerifyFooter(file, source);

        bool littleEndian = KeystoreFormat.UsesLittleEndian(version);
        if (!reader.TryReadByte(out byte hasPassword) || hasPassword > 1)
        {
            throw KeystoreErrors.Corrupted(source, "hasPassword flag is not 0 or 1");
        }

        if (!reader.TryReadInt32(littleEndian, out int dataLength) || dataLength < 0
            || reader.Position + (long)dataLength != file.Length - KeystoreFormat.FooterLength)
        {
            throw KeystoreErrors.Corrupted(source, "data length does not reach the footer");
        }

        if (!reader.TryReadLengthPrefixed(littleEndian, out var salt)
            || !reader.TryReadLengthPrefixed(littleEndian, out var iv)
            || !reader.TryReadLengthPrefixed(littleEndian, out var ciphertext)
            || reader.Position != file.Length - KeystoreFormat.FooterLength)
        {
            throw KeystoreErrors.Corrupted(source, "encryption parameters are malformed");
        }

        if (iv.Length != KeystoreFormat.IvLength || ciphertext.Length < KeystoreFormat.TagLength)
        {
            throw KeystoreErrors.Corrupted(source, "unexpected IV or ciphertext length");
        }

        return new KeystoreContainer(version, hasPassword == 1, salt.ToArray(), iv.ToArray(), ciphertext.ToArray());
    }

    public byte[] ToBytes()
    {
        byte[] name = Encoding.UTF8.GetBytes(KeystoreFormat.CodecName);
        int dataLength = 4 + Salt.Length + 4 + Iv.Length + 4 + Ciphertext.Length;
        int total = 4 + 1 + name.Length + 4 + 1 + 4 + dataLength + KeystoreFormat.FooterLength;
        var bytes = new byte[total];
        var writer = new SpanWriter(bytes);
        bool littleEndian = KeystoreFormat.UsesLittleEndian(Version);

        writer.WriteInt32(KeystoreFormat.CodecMagic, littleEndian: false);
        writer.WriteByte((byte)name.Length);
        writer.WriteBytes(name);
        writer.WriteInt32(Version, littleEndian: false);
        writer.WriteByte(HasPassword ? (byte)1 : (byte)0);
        writer.WriteInt32(dataLength, littleEndian);
        writer.WriteInt32(Salt.Length, littleEndian);
        writer.WriteBytes(Salt);
        writer.WriteInt32(Iv.Length, littleEndian);
        writer.WriteBytes(Iv);
        writer.WriteInt32(Ciphertext.Length, littleEndian);
        writer.WriteBytes(Ciphertext);
        writer.WriteInt32(KeystoreFormat.FooterMagic, littleEndian: false);
        writer.WriteInt32(0, littleEndian: false);
        uint crc = Crc32.Compute(bytes.AsSpan(0, writer.Position));
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(writer.Position), crc);
        return bytes;
    }

    private static void VerifyFooter(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < KeystoreFormat.FooterLength + 9)
        {
            throw KeystoreErrors.Corrupted(source, "file truncated");
        }

        var footer = file[^KeystoreFormat.FooterLength..];
        if (BinaryPrimitives.ReadInt32BigEndian(footer) != KeystoreFormat.FooterMagic
            || BinaryPrimitives.ReadInt32BigEndian(footer[4..]) != 0)
        {
            throw KeystoreErrors.Corrupted(source, "codec footer missing, file truncated or extended");
        }

        long expected = BinaryPrimitives.ReadInt64BigEndian(footer[8..]);
        uint actual = Crc32.Compute(file[..^8]);
        if ((expected & unchecked((long)0xFFFFFFFF00000000L)) != 0 || expected != actual)
        {
            throw KeystoreErrors.Corrupted(source, "checksum mismatch");
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public int ReadInt32BigEndian()
        {
            int value = BinaryPrimitives.ReadInt32BigEndian(_data[Position..]);
            Position += 4;
            return value;
        }

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (Position >= _data.Length)
            {
                return false;
            }

            value = _data[Position++];
            return true;
        }

        public bool TryReadInt32(bool littleEndian, out int value)
        {
            value = 0;
            if (_data.Length - Position < 4)
            {
                return false;
            }

            var slice = _data.Slice(Position, 4);
            value = littleEndian ? BinaryPrimitives.ReadInt32LittleEndian(slice) : BinaryPrimitives.ReadInt32BigEndian(slice);
            Position += 4;
            return true;
        }

        /// <summary>Lucene's variable-length int: 7 bits per byte, low bits first, high bit set while more follow.</summary>
        public bool TryReadVInt(out int value)
        {
            value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                if (!TryReadByte(out byte b))
                {
                    return false;
                }

                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (count < 0 || _data.Length - Position < count)
            {
                return false;
            }

            bytes = _data.Slice(Position, count);
            Position += count;
            return true;
        }

        public bool TryReadLengthPrefixed(bool littleEndian, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            return TryReadInt32(littleEndian, out int length) && TryReadBytes(length, out bytes);
        }
    }

    private ref struct SpanWriter(Span<byte> data)
    {
        private readonly Span<byte> _data = data;

        public int Position { get; private set; }

        public void WriteByte(byte value) => _data[Position++] = value;

        public void WriteInt32(int value, bool littleEndian)
        {
            var slice = _data.Slice(Position, 4);
            if (littleEndian)
            {
                BinaryPrimitives.WriteInt32LittleEndian(slice, value);
            }
            else
            {
                BinaryPrimitives.WriteInt32BigEndian(slice, value);
            }

            Position += 4;
        }

        public void WriteBytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_data[Position..]);
            Position += bytes.Length;
        }
    }
}

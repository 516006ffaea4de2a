using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes.Protobuf;

/// <summary>How one protobuf field of a Kubernetes type becomes JSON.</summary>
public enum FieldShape
{
    String,
    Bytes,
    Bool,
    Int64,
    Message,
    RepeatedMessage,
    RepeatedString,
    MapStringString,
    MapStringBytes,
}

/// <summary>A field of a generated.proto message: its JSON name, shape, and (for messages) the nested message.</summary>
public sealed record ProtoField(string JsonName, FieldShape Shape, ProtoMessage? Message = null);

/// <summary>A message schema (field number → field), decoded from the protobuf wire format into a JSON object.</summary>
public sealed class ProtoMessage(IReadOnlyDictionary<int, ProtoField> fields)
{
    public JsonObject Decode(ReadOnlySpan<byte> data)
    {
        var result = new JsonObject();
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wireType) = reader.Tag();
            if (!fields.TryGetValue(number, out var field))
            {
                reader.Skip(wireType);
                continue;
            }

            switch (field.Shape)
            {
                case FieldShape.String:
                    result[field.JsonName] = Encoding.UTF8.GetString(reader.LengthDelimited());
                    break;
                case FieldShape.Bytes:
                    result[field.JsonName] = Convert.ToBase64String(reader.LengthDelimited());
                    break;
                case FieldShape.Bool:
                    result[field.JsonName] = reader.Varint() != 0;
                    break;
                case FieldShape.Int64:
                    result[field.JsonName] = (long)reader.Varint();
                    break;
                case FieldShape.Message:
                    result[field.JsonName] = field.Message!.Decode(reader.LengthDelimited());
                    break;
                case FieldShape.RepeatedMessage:
                    var messages = result[field.JsonName] as JsonArray ?? new JsonArray();
                    messages.Add(field.Message!.Decode(reader.LengthDelimited()));
                    result[field.JsonName] = messages;
                    break;
                case FieldShape.RepeatedString:
                    var list = result[field.JsonName] as JsonArray ?? new JsonArray();
                    list.Add(Encoding.UTF8.GetString(reader.LengthDelimited()));
                    result[field.JsonName] = list;
                    break;
                case FieldShape.MapStringString:
                case FieldShape.MapStringBytes:
                    var map = result[field.JsonName] as JsonObject ?? new JsonObject();
                    var (key, value) = MapEntry(reader.LengthDelimited(), field.Shape == FieldShape.MapStringBytes);
                    map[key] = value;
                    result[field.JsonName] = map;
                    break;
            }
        }

        return result;
    }

    private static (string Key, string Value) MapEntry(ReadOnlySpan<byte> entry, bool bytesValue)
    {
        var reader = new WireReader(entry);
        var key = "";
        var value = "";
        while (!reader.End)
        {
            var (number, wireType) = reader.Tag();
            if (number == 1)
            {
                key = Encoding.UTF8.GetString(reader.LengthDelimited());
            }
            else if (number == 2)
            {
                var raw = reader.LengthDelimited();
                value = bytesValue ? Convert.ToBase64String(raw) : Encoding.UTF8.GetString(raw);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return (key, value);
    }

    /// <summary>Protobuf wire format: varints, length-delimited fields, fixed 32/64-bit fields skipped.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool End => position >= data.Length;

        public (int Number, int WireType) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = data[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new FormatException("Malformed protobuf varint.");
        }

        public ReadOnlySpan<byte> LengthDelimited()
        {
            var length = (int)Varint();
            var slice = data.Slice(position, length);
            position += length;
            return slice;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    LengthDelimited();
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {wireType}.");
            }
        }
    }
}

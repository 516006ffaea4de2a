using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>
/// Reads numbers from JSON nodes whatever CLR type they were built with: an in-process JsonValue made from an int
/// refuses a cast to long, one parsed from text accepts both.
/// </summary>
internal static class JsonNumbers
{
    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return value.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    public static int? Int(JsonNode? node) => Long(node) is { } l ? (int)l : null;
}

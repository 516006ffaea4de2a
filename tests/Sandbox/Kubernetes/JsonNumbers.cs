using System.Globalization;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// Reads numbers whatever CLR type backs the node (int from C# literals, long from YAML, JsonElement from parsed JSON):
/// JsonValue.GetValue&lt;T&gt; only converts between some of them.
/// </summary>
public static class JsonNumbers
{
    public static double AsDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long AsLong(JsonNode node) => (long)AsDouble(node);
}

using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EckRemoteCluster.Commands;

/// <summary>Turns Elasticsearch's JSON into the objects ConvertFrom-Json would give, for output to the pipeline.</summary>
internal static class JsonToPSObject
{
    public static object? Convert(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToPSObject(obj),
        JsonArray array => array.Select(Convert).ToArray(),
        JsonValue value => Scalar(value),
        _ => node.ToJsonString(),
    };

    private static PSObject ToPSObject(JsonObject obj)
    {
        var result = new PSObject();
        foreach (var (name, value) in obj)
        {
            result.Properties.Add(new PSNoteProperty(name, Convert(value)));
        }

        return result;
    }

    private static object? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetValue<long>(out var whole) => whole,
        JsonValueKind.Number => value.GetValue<double>(),
        _ => null,
    };
}

using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EckRemoteCluster.Commands;

/// <summary>Turns what users type for JSON parameters (hashtables, arrays, JSON text) into JSON for the engine.</summary>
internal static class JsonValues
{
    public static JsonObject? ToObject(object? value, string parameter)
    {
        var node = ToNode(value, parameter);
        return node switch
        {
            null => null,
            JsonObject o => o,
            _ => throw new EckRemoteClusterException(
                ErrorIds.InvalidJsonParameter,
                EckErrorCategory.InvalidArgument,
                $"-{parameter} must be a hashtable or a JSON object.",
                $"Give -{parameter} as @{{ key = 'value' }} or '{{\"key\":\"value\"}}'.",
                value),
        };
    }

    private static JsonNode? ToNode(object? value, string parameter)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (value)
        {
            case null:
                return null;
            case string text when text.TrimStart().StartsWith('{'):
                try
                {
                    return JsonNode.Parse(text);
                }
                catch (JsonException ex)
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.InvalidJsonParameter,
                        EckErrorCategory.InvalidArgument,
                        $"-{parameter} is not valid JSON: {ex.Message}",
                        "Check the JSON text, or give a hashtable instead.",
                        text,
                        ex);
                }

            case string text:
                return JsonValue.Create(text);
            case bool flag:
                return JsonValue.Create(flag);
            case int or long or short or byte:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case double or float or decimal:
                return JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case IDictionary dictionary:
                var result = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    result[entry.Key.ToString()!] = ToNode(entry.Value, parameter);
                }

                return result;
            case PSCustomObject:
                var custom = new JsonObject();
                foreach (var property in PSObject.AsPSObject(value).Properties)
                {
                    custom[property.Name] = ToNode(property.Value, parameter);
                }

                return custom;
            case IEnumerable sequence:
                return new JsonArray(sequence.Cast<object?>().Select(item => ToNode(item, parameter)).ToArray());
            default:
                return JsonValue.Create(value.ToString());
        }
    }
}

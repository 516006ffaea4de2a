using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>One REST call after routing: path parameters, query string, parsed body and who made it.</summary>
public sealed class RestRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    public required IQueryCollection Query { get; init; }

    public required Dictionary<string, string> PathParameters { get; init; }

    public JsonNode? Body { get; init; }

    /// <summary>The body as sent (decompressed), for the positions Elasticsearch's parser errors quote.</summary>
    public string? RawBody { get; init; }

    public required Principal Principal { get; init; }

    public required EsNode Node { get; init; }

    public string Param(string name) => PathParameters[name];

    public string? QueryValue(string name) => Query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>Elasticsearch's boolean query parameters: present without value or "true" mean true.</summary>
    public bool QueryFlag(string name, bool defaultValue = false)
    {
        if (!Query.TryGetValue(name, out var v))
        {
            return defaultValue;
        }

        var text = v.ToString();
        return text.Length == 0 || text.Equals("true", StringComparison.OrdinalIgnoreCase)
            || (text.Equals("false", StringComparison.OrdinalIgnoreCase)
                ? false
                : throw EsException.IllegalArgument(
                    $"Failed to parse value [{text}] as only [true] or [false] are allowed."));
    }

    public JsonObject RequireObjectBody()
    {
        if (Body is JsonObject obj)
        {
            return obj;
        }

        throw Body is null
            ? new EsException(400, "parse_exception", "request body is required")
            : EsException.Parse("[1:1] Unexpected token, expected START_OBJECT");
    }
}

/// <summary>A successful answer: status and JSON body (null for HEAD).</summary>
public sealed record RestResponse(int Status, JsonNode? Body)
{
    public static RestResponse Ok(JsonNode body) => new(200, body);
}

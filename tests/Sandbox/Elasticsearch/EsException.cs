using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch;

/// <summary>
/// A failure as Elasticsearch reports it: an HTTP status and an exception type in snake_case with its reason, optionally
/// a cause and extra fields (e.g. the <c>header</c> object of security exceptions).
/// </summary>
public sealed class EsException : Exception
{
    public EsException(int status, string type, string reason, EsException? causedBy = null, JsonObject? extra = null)
        : base(reason, causedBy)
    {
        Status = status;
        Type = type;
        Extra = extra;
        CausedBy = causedBy;
    }

    public int Status { get; }

    public string Type { get; }

    public string Reason => Message;

    public EsException? CausedBy { get; }

    public JsonObject? Extra { get; }

    /// <summary>Throwable.getSuppressed(): ElasticsearchException renders them as a <c>suppressed</c> array.</summary>
    public List<EsException> Suppressed { get; } = [];

    /// <summary>Response headers the failure carries (WWW-Authenticate for 401).</summary>
    public Dictionary<string, string[]> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static EsException IllegalArgument(string reason) => new(400, "illegal_argument_exception", reason);

    public static EsException Validation(params string[] problems) => new(
        400, "action_request_validation_exception",
        "Validation Failed: " + string.Concat(problems.Select((p, i) => $"{i + 1}: {p};")));

    public static EsException Parse(string reason) => new(400, "x_content_parse_exception", reason);

    public static EsException Security(int status, string reason) => new(status, "security_exception", reason);

    /// <summary>The <c>{"type","reason",...,"caused_by"}</c> object.</summary>
    public JsonObject ToCauseJson()
    {
        var json = new JsonObject { ["type"] = Type, ["reason"] = Reason };
        if (Extra is not null)
        {
            foreach (var (key, value) in Extra)
            {
                json[key] = value?.DeepClone();
            }
        }

        if (CausedBy is not null)
        {
            json["caused_by"] = CausedBy.ToCauseJson();
        }

        if (Suppressed.Count > 0)
        {
            json["suppressed"] = new JsonArray([.. Suppressed.Select(s => (JsonNode)s.ToCauseJson())]);
        }

        return json;
    }

    /// <summary>The full error body: root_cause (without its own cause), the error, and status.</summary>
    public JsonObject ToResponseBody()
    {
        // ElasticsearchException.guessRootCauses unwraps a parse exception to the innermost parse exception it wraps.
        var rootException = this;
        while (rootException.Type == "x_content_parse_exception" && rootException.CausedBy is { Type: "x_content_parse_exception" } inner)
        {
            rootException = inner;
        }

        var root = rootException.ToCauseJson();
        root.Remove("caused_by");
        var error = ToCauseJson();
        error["root_cause"] = new JsonArray(root);
        var ordered = new JsonObject { ["root_cause"] = error["root_cause"]!.DeepClone() };
        foreach (var (key, value) in error)
        {
            if (key != "root_cause")
            {
                ordered[key] = value?.DeepClone();
            }
        }

        return new JsonObject { ["error"] = ordered, ["status"] = Status };
    }
}

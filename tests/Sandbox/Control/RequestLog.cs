using System.Text.Json.Nodes;

namespace Sandbox.Control;

/// <summary>One request as a test sees it: who asked what of which endpoint, and what it answered.</summary>
/// <param name="Note">Why the entry is classified as it is when the method alone would say otherwise (only then present).</param>
public sealed record LoggedRequest(
    DateTimeOffset Time, string? User, string Method, string PathAndQuery, string? ContentType, int Status, bool Mutating, string Target,
    string? Note = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["time"] = Time.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["user"] = User,
            ["method"] = Method,
            ["path"] = PathAndQuery,
            ["contentType"] = ContentType,
            ["status"] = Status,
            ["mutating"] = Mutating,
            ["target"] = Target,
        };
        if (Note is not null)
        {
            json["note"] = Note;
        }

        return json;
    }
}

/// <summary>An endpoint's own say on whether a request changes state, where its method does not tell.</summary>
public sealed record RequestClassification(bool Mutating, string Note);

/// <summary>Every request the Kubernetes API and the Elasticsearch endpoints served since the last reset.</summary>
public sealed class RequestLog
{
    private readonly object gate = new();
    private readonly List<LoggedRequest> entries = [];

    public void Add(LoggedRequest entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    public IReadOnlyList<LoggedRequest> Snapshot()
    {
        lock (gate)
        {
            return entries.ToList();
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    /// <summary>GET, HEAD and OPTIONS read; everything else may change state (what -WhatIf must never send).</summary>
    public static bool IsMutating(string method) => method is not ("GET" or "HEAD" or "OPTIONS");
}

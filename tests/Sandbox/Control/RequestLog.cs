using System.Runtime.CompilerServices;
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

    // Entries logged while their request is still being served (an upgraded request: a port-forward's tunnel),
    // each with what completes once the request has ended.
    private readonly ConditionalWeakTable<LoggedRequest, TaskCompletionSource> serving = [];

    // Requests that have started and are not logged yet (a request is logged when it ends, or when its 101 goes out).
    private readonly HashSet<TaskCompletionSource> unlogged = [];

    /// <summary>A request has started: pass what this returns to <see cref="Add"/> when it is logged.</summary>
    public TaskCompletionSource Begin()
    {
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            unlogged.Add(pending);
        }

        return pending;
    }

    public void Add(LoggedRequest entry, TaskCompletionSource? begun = null)
    {
        lock (gate)
        {
            entries.Add(entry);
            if (begun is not null)
            {
                unlogged.Remove(begun);
            }
        }

        begun?.TrySetResult();
    }

    /// <summary>
    /// Completes once every request that had started when it was called is in the log: a client that has its last
    /// answer reads the log after this, not after a sleep, since a request is logged as its handler ends, which may be
    /// after the client already has the answer.
    /// </summary>
    public Task WhenLoggedAsync()
    {
        lock (gate)
        {
            return Task.WhenAll(unlogged.Select(p => p.Task).ToArray());
        }
    }

    /// <summary>Logs a request that is still being served; <see cref="Served"/> tells when it has ended.</summary>
    public void AddServing(LoggedRequest entry, TaskCompletionSource? begun = null)
    {
        serving.AddOrUpdate(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Add(entry, begun);
    }

    /// <summary>The request logged by <see cref="AddServing"/> has ended: its middleware has run to its end.</summary>
    public void Served(LoggedRequest entry)
    {
        if (serving.TryGetValue(entry, out var done))
        {
            done.TrySetResult();
        }
    }

    /// <summary>
    /// Completes once the request logged as <paramref name="entry"/> has ended, so a test can check what the log holds
    /// after it instead of sleeping; at once for a request logged when it ended (every request but an upgraded one).
    /// </summary>
    public Task WhenServedAsync(LoggedRequest entry) => serving.TryGetValue(entry, out var done) ? done.Task : Task.CompletedTask;

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

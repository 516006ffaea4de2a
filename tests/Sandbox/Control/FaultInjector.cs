using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sandbox.Control;

/// <summary>A fault armed for the next <see cref="Remaining"/> matching requests.</summary>
public sealed class FaultRule
{
    public required string Target { get; init; }

    public string? Method { get; init; }

    public required Regex PathPattern { get; init; }

    /// <summary>
    /// "status" (answer <see cref="Status"/>), "reset" (drop the connection), "delay" (wait, then serve), "hold"
    /// (serve only once POST /faults/release or DELETE /faults lets it go: a test can act while the request waits) or
    /// "holdAnswer" (serve it, then hold its answer the same way: the request took effect, and a node that stops meanwhile
    /// drops the connection without answering, as a pod killed mid-request does).
    /// </summary>
    public required string Action { get; init; }

    public int Status { get; init; }

    public int DelayMs { get; init; }

    public int Remaining { get; set; }

    public static FaultRule FromJson(JsonObject body)
    {
        var status = body["status"]?.GetValue<int>() ?? 0;
        var action = body["action"]?.GetValue<string>() ?? (status > 0 ? "status" : throw new ArgumentException("A fault needs a status or an action."));
        if (action is not ("status" or "reset" or "delay" or "hold" or "holdAnswer"))
        {
            throw new ArgumentException($"Unknown fault action '{action}' (status, reset, delay, hold or holdAnswer).");
        }

        if (action == "status" && status is not (409 or 429 or 500 or 503))
        {
            throw new ArgumentException($"Fault status must be 409, 429, 500 or 503, not {status}.");
        }

        return new FaultRule
        {
            Target = body["target"]?.GetValue<string>() ?? "kubernetes",
            Method = body["method"]?.GetValue<string>()?.ToUpperInvariant(),
            PathPattern = new Regex(body["pathPattern"]?.GetValue<string>() ?? ".*", RegexOptions.None, TimeSpan.FromSeconds(1)),
            Action = action,
            Status = status,
            DelayMs = body["delayMs"]?.GetValue<int>() ?? 1000,
            Remaining = body["count"]?.GetValue<int>() ?? 1,
        };
    }
}

/// <summary>Armed faults; each matching request consumes one use of the first rule that matches it.</summary>
public sealed class FaultInjector
{
    private readonly object gate = new();
    private readonly List<FaultRule> rules = [];
    private TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int held;

    /// <summary>How many requests a "hold" fault is holding now.</summary>
    public int Held => Volatile.Read(ref held);

    /// <summary>The armed rules, for GET /faults.</summary>
    public JsonArray Describe()
    {
        lock (gate)
        {
            return new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
            {
                ["target"] = r.Target,
                ["method"] = r.Method,
                ["pathPattern"] = r.PathPattern.ToString(),
                ["action"] = r.Action,
                ["remaining"] = r.Remaining,
            })]);
        }
    }

    /// <summary>Holds a request until <see cref="Release"/> (or <see cref="Clear"/>).</summary>
    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        Task released;
        lock (gate)
        {
            released = release.Task;
        }

        Interlocked.Increment(ref held);
        try
        {
            await released.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref held);
        }
    }

    /// <summary>Lets every held request go on.</summary>
    public void Release()
    {
        TaskCompletionSource released;
        lock (gate)
        {
            released = release;
            release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }

    public void Add(FaultRule rule)
    {
        lock (gate)
        {
            rules.Add(rule);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            rules.Clear();
        }

        Release();
    }

    /// <summary>The fault for this request, if one is armed for any of <paramref name="targets"/> (node name, cluster name, "kubernetes").</summary>
    public FaultRule? Take(IReadOnlyCollection<string> targets, string method, string pathAndQuery)
    {
        lock (gate)
        {
            var rule = rules.FirstOrDefault(r => r.Remaining > 0 && targets.Contains(r.Target)
                && (r.Method is null || r.Method == method) && r.PathPattern.IsMatch(pathAndQuery));
            if (rule is null)
            {
                return null;
            }

            rule.Remaining--;
            if (rule.Remaining == 0)
            {
                rules.Remove(rule);
            }

            return rule;
        }
    }
}

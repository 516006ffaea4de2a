namespace EckRemoteCluster.Contracts;

/// <summary>
/// The reporter of the cmdlet whose work is running, flowing with the async calls it makes, so that the HTTP layers
/// deep in the engine can write request lines to the debug stream without every method passing a reporter along.
/// It lives in the module assembly so the engine, in its own load context, sees the same one.
/// </summary>
internal static class OperationContext
{
    private static readonly AsyncLocal<IOperationReporter?> s_reporter = new();

    public static IOperationReporter? Reporter
    {
        get => s_reporter.Value;
        set => s_reporter.Value = value;
    }

    /// <summary>One debug line per request: method, path (never a body, so never a secret), status and time.</summary>
    public static void TraceRequest(string system, string method, string path, int? status, TimeSpan elapsed, int attempt) =>
        Reporter?.Debug($"{system}: {method} {path} -> {(status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer")} "
            + $"in {elapsed.TotalMilliseconds:0} ms{(attempt > 1 ? $" (attempt {attempt})" : string.Empty)}");
}

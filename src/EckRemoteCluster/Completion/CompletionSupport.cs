using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Completion;

/// <summary>
/// What the Kubernetes completers share: the target from the parameters typed so far, a short time limit (a slow API
/// server must not freeze the prompt), and silence on failure (completion offers nothing rather than an error).
/// </summary>
internal static class CompletionSupport
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(3);

    public static KubernetesTarget Target(IDictionary fakeBoundParameters) =>
        new(Value(fakeBoundParameters, "KubeConfig"), Value(fakeBoundParameters, "Context"));

    public static string? Value(IDictionary parameters, string name) =>
        parameters.Contains(name) && parameters[name] is { } value && (value is PSObject p ? p.BaseObject : value).ToString() is { Length: > 0 } text ? text : null;

    /// <summary>The ElasticsearchConnection bound to a parameter so far (a variable holding one), or null.</summary>
    public static ElasticsearchConnection? Connection(IDictionary parameters, string name) =>
        parameters.Contains(name) && (parameters[name] is PSObject wrapped ? wrapped.BaseObject : parameters[name]) is ElasticsearchConnection connection
            ? connection
            : null;

    public static IEnumerable<CompletionResult> Complete(Func<CancellationToken, Task<IReadOnlyList<string>>> list, string wordToComplete)
    {
        IReadOnlyList<string> names;
        try
        {
            using var timeout = new CancellationTokenSource(s_limit);
            names = Task.Run(() => list(timeout.Token), timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is EckRemoteClusterException or OperationCanceledException or IOException or HttpRequestException or TimeoutException)
        {
            return [];
        }

        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(pattern.IsMatch).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(n => new CompletionResult(CodeGeneration.QuoteArgument(n), n, CompletionResultType.ParameterValue, n));
    }
}

/// <summary>An IOperationReporter that drops everything: completion has nowhere to report to.</summary>
internal sealed class SilentReporter : IOperationReporter
{
    public static SilentReporter Instance { get; } = new();

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Progress(string activity, string status, int percentComplete = -1)
    {
    }

    public void CompleteProgress(string activity)
    {
    }
}

internal static class CodeGeneration
{
    public static string QuoteArgument(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "'\"`$(){}[];,|&<>@#".Contains(c)) ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>
/// Completes a key's -Name or -Id (and, on New-CrossClusterApiKey, the -Alias the keys were made for) with the active
/// cross-cluster API keys of the -RemoteConnection typed so far; without one there is nothing to ask.
/// </summary>
public sealed class CrossClusterApiKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (CompletionSupport.Connection(fakeBoundParameters, "RemoteConnection") is not { } connection)
        {
            return [];
        }

        Func<CrossClusterApiKey, string?> property = parameterName switch
        {
            "Id" => k => k.Id,
            "Alias" => k => k.Alias,
            _ => k => k.Name,
        };
        return CompletionSupport.Complete(
            async token => (await EngineHost.Engine.CrossClusterApiKeys.GetAsync(connection, null, null, false, SilentReporter.Instance, token).ConfigureAwait(false))
                .Select(property).OfType<string>().Where(v => v.Length > 0).ToList(),
            wordToComplete);
    }
}

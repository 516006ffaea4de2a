using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>
/// Completes -Name with the ECK clusters of the namespace typed so far. Without -Namespace, Get-EckCluster (which
/// looks for a name) lists every namespace's clusters; the cmdlets that act on one cluster list the context's namespace,
/// where they will look.
/// </summary>
public sealed class EckClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(
            async token => (await EngineHost.Engine.Eck.ListClustersAsync(
                    CompletionSupport.Target(fakeBoundParameters),
                    CompletionSupport.Value(fakeBoundParameters, "Namespace"),
                    fakeBoundParameters.Contains("AllNamespaces")
                        || (commandName.EndsWith("Get-EckCluster", StringComparison.OrdinalIgnoreCase) && CompletionSupport.Value(fakeBoundParameters, "Namespace") is null),
                    SilentReporter.Instance,
                    token).ConfigureAwait(false))
                .Select(c => c.Name).ToList(),
            wordToComplete);
}

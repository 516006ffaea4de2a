using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>Completes -Name with the ECK clusters of the namespace typed so far (or the context's namespace).</summary>
public sealed class EckClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(
            async token => (await EngineHost.Engine.Eck.ListClustersAsync(
                    CompletionSupport.Target(fakeBoundParameters),
                    CompletionSupport.Value(fakeBoundParameters, "Namespace"),
                    fakeBoundParameters.Contains("AllNamespaces"),
                    SilentReporter.Instance,
                    token).ConfigureAwait(false))
                .Select(c => c.Name).ToList(),
            wordToComplete);
}

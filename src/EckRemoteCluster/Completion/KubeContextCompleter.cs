using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>Completes -Context with the kubeconfig's contexts (read locally, no API call).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(
            _ => Task.FromResult(EngineHost.Engine.Eck.ListContexts(CompletionSupport.Value(fakeBoundParameters, "KubeConfig"))),
            wordToComplete);
}

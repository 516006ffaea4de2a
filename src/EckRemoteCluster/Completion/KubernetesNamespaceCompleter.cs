using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>Completes -Namespace with the namespaces of the chosen context.</summary>
public sealed class KubernetesNamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(
            token => EngineHost.Engine.Eck.ListNamespacesAsync(CompletionSupport.Target(fakeBoundParameters), token),
            wordToComplete);
}

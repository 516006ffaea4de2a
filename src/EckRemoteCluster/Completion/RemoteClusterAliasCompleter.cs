using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Completion;

/// <summary>
/// Completes -Alias with the remote clusters GET /_remote/info reports on the cluster of the -Connection typed so far
/// (a variable holding a connection); without one there is nothing to ask, so it offers nothing.
/// </summary>
public sealed class RemoteClusterAliasCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (CompletionSupport.Connection(fakeBoundParameters, "Connection") is not { } connection)
        {
            return [];
        }

        return CompletionSupport.Complete(
            async token => (await EngineHost.Engine.RemoteClusters.GetAsync(connection.Client, connection.ClusterName, token).ConfigureAwait(false))
                .Select(r => r.Alias).ToList(),
            wordToComplete);
    }
}

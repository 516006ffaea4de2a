using System.Management.Automation;
using EckRemoteCluster.Completion;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the Elasticsearch clusters ECK manages, by name (wildcards) in a namespace or in all of them.</summary>
[Cmdlet(VerbsCommon.Get, "EckCluster", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(EckCluster))]
public sealed class GetEckClusterCommand : EckRemoteClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>Cluster names; wildcards allowed. All clusters when left out.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(EckClusterNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The namespace; the context's namespace when left out.</summary>
    [Parameter(ParameterSetName = NamespaceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Looks in every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllNamespacesSet)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    public string? Context { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KubeConfig { get; set; }

    protected override void ProcessRecordCore()
    {
        var target = KubernetesTargets.From(this, KubeConfig, Context);
        var ns = EckClusterCmdlet.NullIfEmpty(Namespace);
        var exact = Name?.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList() ?? [];
        if (Name is { Length: > 0 } && exact.Count == Name.Length && !AllNamespaces)
        {
            // Only exact names: GET each, so a missing one is a precise EckClusterNotFound error.
            foreach (var name in exact)
            {
                try
                {
                    WriteObject(RunWithReporting((reporter, token) => Engine.Eck.GetClusterAsync(target, ns, name, reporter, token)));
                }
                catch (EckRemoteClusterException ex) when (ex.ErrorId == ErrorIds.EckClusterNotFound)
                {
                    WriteError(ErrorRecords.From(ex));
                }
            }

            return;
        }

        var clusters = RunWithReporting((reporter, token) => Engine.Eck.ListClustersAsync(target, ns, AllNamespaces, reporter, token));
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (var cluster in clusters)
        {
            if (patterns is null || patterns.Count == 0 || patterns.Any(p => p.IsMatch(cluster.Name)))
            {
                WriteObject(cluster);
            }
        }

        foreach (var name in exact.Where(n => !clusters.Any(c => string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            WriteError(ErrorRecords.From(new EckRemoteClusterException(
                ErrorIds.EckClusterNotFound,
                EckErrorCategory.ObjectNotFound,
                $"There is no Elasticsearch cluster '{name}' {(AllNamespaces ? "in any namespace" : "in that namespace")}.",
                "Check the name with Get-EckCluster -AllNamespaces.",
                name)));
        }
    }
}

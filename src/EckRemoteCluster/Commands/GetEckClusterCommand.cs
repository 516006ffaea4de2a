using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the Elasticsearch clusters ECK manages, by name (wildcards) in a namespace or in all of them.</summary>
[Cmdlet(VerbsCommon.Get, "EckCluster", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(EckCluster))]
public sealed class GetEckClusterCommand : EckRemoteClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>
    /// Cluster names; wildcards allowed. Without -Namespace a name is looked for in every namespace (as tab completion
    /// offers it); a name found in more than one is the error EckClusterNameAmbiguous. All clusters of the namespace
    /// when left out.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(EckClusterNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The namespace; without -Name, the context's namespace when left out.</summary>
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
        if (Name is not { Length: > 0 })
        {
            WriteClusters(RunWithReporting((reporter, token) => Engine.Eck.ListClustersAsync(target, ns, AllNamespaces, reporter, token)));
            return;
        }

        if (ns is not null && !AllNamespaces && Name.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            // Exact names in one namespace: GET each, so a missing one is a precise EckClusterNotFound error.
            foreach (var name in Name)
            {
                Get(target, ns, name);
            }

            return;
        }

        var everywhere = ns is null;
        IReadOnlyList<EckCluster> clusters;
        try
        {
            clusters = RunWithReporting((reporter, token) => Engine.Eck.ListClustersAsync(target, ns, everywhere, reporter, token));
        }
        catch (EckRemoteClusterException ex) when (ex.ErrorId == ErrorIds.KubernetesForbidden && everywhere && !AllNamespaces)
        {
            // Users who may only read their own namespace still find a cluster there, as before this search existed.
            WriteVerbose($"Listing clusters in every namespace is forbidden ({ex.Message}); looking in the context's namespace instead.");
            everywhere = false;
            clusters = RunWithReporting((reporter, token) => Engine.Eck.ListClustersAsync(target, null, false, reporter, token));
        }

        foreach (var name in Name)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                WriteClusters(clusters.Where(c => pattern.IsMatch(c.Name)));
                continue;
            }

            var found = clusters.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count == 0)
            {
                WriteError(ErrorRecords.From(new EckRemoteClusterException(
                    ErrorIds.EckClusterNotFound,
                    EckErrorCategory.ObjectNotFound,
                    $"There is no Elasticsearch cluster '{name}' {(everywhere ? "in any namespace" : "in that namespace")}.",
                    "Check the name with Get-EckCluster -AllNamespaces.",
                    name)));
            }
            else if (found.Count > 1 && !AllNamespaces)
            {
                var where = string.Join(", ", found.Select(c => $"{c.Namespace}/{c.Name}"));
                WriteError(ErrorRecords.From(new EckRemoteClusterException(
                    ErrorIds.EckClusterNameAmbiguous,
                    EckErrorCategory.InvalidArgument,
                    $"There are Elasticsearch clusters named '{name}' in {found.Count} namespaces: {where}. Nothing was chosen.",
                    $"Give the namespace: Get-EckCluster -Name {name} -Namespace {found[0].Namespace} (or list them all with -AllNamespaces).",
                    name)));
            }
            else
            {
                WriteClusters(found);
            }
        }
    }

    private void Get(KubernetesTarget target, string ns, string name)
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

    private void WriteClusters(IEnumerable<EckCluster> clusters)
    {
        foreach (var cluster in clusters)
        {
            WriteObject(cluster);
        }
    }
}

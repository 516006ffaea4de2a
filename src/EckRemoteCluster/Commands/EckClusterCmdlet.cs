using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Base of the cmdlets that act on one ECK cluster: -Name, -Namespace, -Context and -KubeConfig bind by property name
/// from an EckCluster (or anything with those properties, such as an EckRemoteClusterEndpoint's Cluster), so
/// Get-EckCluster | Enable-EckRemoteClusterServer | … needs no glue. The cluster is read afresh for each record.
/// </summary>
public abstract class EckClusterCmdlet : EckRemoteClusterCmdlet
{
    /// <summary>The Elasticsearch resource's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EckClusterNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Its namespace; the context's namespace when left out.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>The kubeconfig context; the current context when left out.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    public string? Context { get; set; }

    /// <summary>-KubeConfig: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KubeConfig { get; set; }

    internal KubernetesTarget Target => KubernetesTargets.From(this, KubeConfig, Context);

    /// <summary>Reads the cluster as it is now.</summary>
    internal EckCluster ReadCluster() => Read(this, KubeConfig, Context, Namespace, Name);

    /// <summary>Reads the cluster these parameters name, as it is now (for every cmdlet that takes them).</summary>
    internal static EckCluster Read(EckRemoteClusterCmdlet cmdlet, string? kubeConfig, string? context, string? @namespace, string name)
    {
        var target = KubernetesTargets.From(cmdlet, kubeConfig, context);
        return cmdlet.RunWithReporting((reporter, token) => Engine.Eck.GetClusterAsync(target, NullIfEmpty(@namespace), name, reporter, token));
    }

    /// <summary>
    /// The piped EckCluster itself when it is the cluster the bound parameters name (it carries the resourceVersion
    /// it was read or written at), so a pipeline reads the resource once instead of once per step; otherwise (a name
    /// typed, or another object bound by property name) the cluster as it is now.
    /// </summary>
    internal EckCluster PipedOrReadCluster(EckCluster? piped)
    {
        if (piped is { ResourceVersion: not null }
            && piped.Name == Name
            && (string.IsNullOrEmpty(Namespace) || piped.Namespace == Namespace)
            && NullIfEmpty(Context) == piped.Context
            && NullIfEmpty(KubeConfig) == piped.KubeConfig)
        {
            WriteDebug($"Using the piped {piped} as read at resourceVersion {piped.ResourceVersion} instead of reading it again.");
            return piped;
        }

        return ReadCluster();
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Turns -KubeConfig/-Context as typed (relative paths, PSDrives) into an engine target.</summary>
internal static class KubernetesTargets
{
    public static KubernetesTarget From(PSCmdlet cmdlet, string? kubeConfig, string? context)
    {
        string? paths = null;
        if (!string.IsNullOrEmpty(kubeConfig))
        {
            paths = string.Join(Path.PathSeparator, kubeConfig.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(cmdlet.GetUnresolvedProviderPathFromPSPath));
        }

        return new KubernetesTarget(paths, string.IsNullOrEmpty(context) ? null : context);
    }
}

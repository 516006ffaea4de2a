using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Shared by Get-RemoteClusterHealth and Watch-RemoteCluster: which remotes (-Alias), the local cluster and its nodes
/// (-ConfigPath, -Session), the remote side (-RemoteConnection, or an ECK cluster piped from Get-EckCluster), and the
/// expiry thresholds. Everything is checked before the first request, so bad input changes and asks nothing.
/// </summary>
public abstract class RemoteClusterHealthCmdlet : NodeFilesCmdlet
{
    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The remotes to check; every registered remote when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string[]? Alias { get; set; }

    /// <summary>
    /// A connection to the remote cluster (e.g. Get-EckCluster | New-ElasticsearchConnection): the API key's expiry and
    /// state are read there. A connection opened from an ECK cluster also gives its transport CA for TrustDrift.
    /// </summary>
    [Parameter]
    public ElasticsearchConnection? RemoteConnection { get; set; }

    /// <summary>
    /// The ECK cluster the remotes run on, from Get-EckCluster: the key is read there as its elastic user, and the
    /// nodes' CA files are compared with its current transport CA (TrustDrift).
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public EckCluster? EckCluster { get; set; }

    /// <summary>An API key or CA that expires within this many days is a Warning.</summary>
    [Parameter]
    public int WarningDays { get; set; } = 30;

    /// <summary>An API key or CA that expires within this many days is an Error (at most -WarningDays).</summary>
    [Parameter]
    public int ErrorDays { get; set; } = 7;

    private readonly Dictionary<string, ElasticsearchConnection> _eckConnections = new(StringComparer.Ordinal);

    /// <summary>Checks the thresholds and the aliases' syntax: nothing is asked of any cluster before these pass.</summary>
    internal HealthThresholds ValidateInput()
    {
        var thresholds = new HealthThresholds(WarningDays, ErrorDays);
        Engine.RemoteClusterHealth.Validate(thresholds);
        foreach (var alias in Alias ?? [])
        {
            Engine.Rules.ValidateRemoteClusterAlias(alias);
        }

        return thresholds;
    }

    /// <summary>
    /// The request for these nodes (none: CredentialDrift and TrustDrift are not checked), the remote connection and
    /// the ECK cluster.
    /// </summary>
    internal RemoteClusterHealthRequest BuildRequest(HealthThresholds thresholds, NodeSelection selection)
    {
        IReadOnlyList<NodeDirectory>? nodes = selection.IsEmpty ? null : selection.Resolve(this);

        var remote = RemoteConnection;
        if (remote is null && EckCluster is { } cluster)
        {
            var key = $"{cluster.KubeConfig}|{cluster.Context}|{cluster}";
            if (!_eckConnections.TryGetValue(key, out remote))
            {
                remote = RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectToEckAsync(cluster, reporter, token));
                _eckConnections[key] = remote;
            }
        }

        return new RemoteClusterHealthRequest(Connection.Client, Connection.Version, nodes, KeystorePassword, remote?.Client,
            EckCluster ?? remote?.EckCluster, thresholds);
    }

    /// <summary>
    /// The registered aliases among -Alias (all registered ones without it); each alias given that is not registered is
    /// a RemoteClusterNotFound error, written or (with <paramref name="terminating"/>) thrown.
    /// </summary>
    internal IReadOnlyList<string> RegisteredAliases(bool terminating)
    {
        var registered = RunWithReporting((_, token) => Engine.RemoteClusters.GetAsync(Connection.Client, Connection.ClusterName, token))
            .Select(r => r.Alias).ToList();
        if (Alias is null)
        {
            return registered;
        }

        foreach (var unknown in Alias.Where(a => !registered.Contains(a, StringComparer.Ordinal)))
        {
            var error = new EckRemoteClusterException(
                ErrorIds.RemoteClusterNotFound,
                EckErrorCategory.ObjectNotFound,
                $"No remote cluster '{unknown}' is registered on '{Connection.ClusterName}'" + (registered.Count == 0 ? " (it has none)." : $" (it has {string.Join(", ", registered)})."),
                "Check the alias (Get-RemoteCluster lists them), or register the remote with Connect-RemoteCluster.",
                unknown);
            if (terminating)
            {
                ThrowTerminating(error);
            }

            WriteError(ErrorRecords.From(error));
        }

        return [.. Alias.Where(a => registered.Contains(a, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
    }
}

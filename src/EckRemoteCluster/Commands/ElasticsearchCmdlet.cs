using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Base of the cmdlets that talk to one Elasticsearch cluster: given a connection (New-ElasticsearchConnection), or an
/// ECK cluster piped from Get-EckCluster, for which a connection is opened once per cmdlet run.
/// </summary>
public abstract class ElasticsearchCmdlet : EckRemoteClusterCmdlet
{
    protected const string ConnectionSet = "Connection";
    protected const string EckClusterSet = "EckCluster";

    private readonly Dictionary<string, ElasticsearchConnection> _eckConnections = new(StringComparer.Ordinal);

    /// <summary>The remote cluster the keys live on, from New-ElasticsearchConnection (usually piped from an ECK cluster's).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionSet, ValueFromPipeline = true)]
    public ElasticsearchConnection RemoteConnection { get; set; } = null!;

    /// <summary>An ECK cluster from Get-EckCluster; the cmdlet connects to it as its elastic user.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EckClusterSet, ValueFromPipeline = true)]
    public EckCluster EckCluster { get; set; } = null!;

    internal ElasticsearchConnection ResolveConnection()
    {
        if (ParameterSetName != EckClusterSet)
        {
            return RemoteConnection;
        }

        var key = $"{EckCluster.KubeConfig}|{EckCluster.Context}|{EckCluster.Namespace}/{EckCluster.Name}";
        if (!_eckConnections.TryGetValue(key, out var connection))
        {
            connection = RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectToEckAsync(EckCluster, reporter, token));
            _eckConnections[key] = connection;
        }

        return connection;
    }
}

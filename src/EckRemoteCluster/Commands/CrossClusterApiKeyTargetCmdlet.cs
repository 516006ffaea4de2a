using System.Management.Automation;
using EckRemoteCluster.Completion;

namespace EckRemoteCluster.Commands;

/// <summary>Base of the cmdlets that change one existing key: piped from Get-/New-CrossClusterApiKey, or by -Id and -RemoteConnection.</summary>
public abstract class CrossClusterApiKeyTargetCmdlet : EckRemoteClusterCmdlet
{
    protected const string InputObjectSet = "InputObject";
    protected const string IdSet = "Id";

    /// <summary>The key, from Get-CrossClusterApiKey or New-CrossClusterApiKey.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public CrossClusterApiKey InputObject { get; set; } = null!;

    /// <summary>The key's id.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CrossClusterApiKeyCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>The remote cluster the key belongs to, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    public ElasticsearchConnection RemoteConnection { get; set; } = null!;

    internal (string Id, string Label, ElasticsearchConnection Connection) ResolveKey()
    {
        if (ParameterSetName == IdSet)
        {
            return (Id, Id, RemoteConnection);
        }

        var connection = InputObject.Connection ?? throw new EckRemoteClusterException(
            ErrorIds.CrossClusterApiKeyWithoutConnection,
            EckErrorCategory.InvalidArgument,
            $"Key '{InputObject}' does not say which cluster it came from (it was not read in this session).",
            "Give -Id and -RemoteConnection instead.",
            InputObject);
        return (InputObject.Id, $"'{InputObject.Name}' ({InputObject.Id})", connection);
    }
}

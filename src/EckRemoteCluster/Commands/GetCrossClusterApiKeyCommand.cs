using System.Management.Automation;
using EckRemoteCluster.Completion;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the cross-cluster API keys of a cluster (active ones unless -IncludeInvalidated).</summary>
[Cmdlet(VerbsCommon.Get, "CrossClusterApiKey", DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(CrossClusterApiKey))]
public sealed class GetCrossClusterApiKeyCommand : ElasticsearchCmdlet
{
    /// <summary>A key's name; a trailing * matches names that start with the rest.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(CrossClusterApiKeyCompleter))]
    public string? Name { get; set; }

    /// <summary>A key's id.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CrossClusterApiKeyCompleter))]
    public string? Id { get; set; }

    /// <summary>Also lists invalidated and expired keys.</summary>
    [Parameter]
    public SwitchParameter IncludeInvalidated { get; set; }

    protected override void ProcessRecordCore()
    {
        var connection = ResolveConnection();
        var keys = RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.GetAsync(connection, Id, Name, IncludeInvalidated, reporter, token));
        WriteObject(keys, enumerateCollection: true);
    }
}

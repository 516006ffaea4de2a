using System.Management.Automation;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the settings in Elasticsearch nodes' keystores, without Java or the elasticsearch-keystore tool.</summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchKeystore", DefaultParameterSetName = ByConfigPath)]
[OutputType(typeof(ElasticsearchKeystoreEntry))]
public sealed class GetElasticsearchKeystoreCommand : EckRemoteClusterCmdlet
{
    private const string ByConfigPath = "ConfigPath";
    private const string ByPath = "Path";
    private const string BySession = "Session";

    /// <summary>A node's config directory; the keystore is its elasticsearch.keystore.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByConfigPath)]
    [Parameter(Position = 0, ParameterSetName = BySession)]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>The keystore file itself.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByPath)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Sessions to the nodes; each node's keystore is read on the node (its config directory found there without -ConfigPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BySession)]
    [ValidateNotNullOrEmpty]
    public System.Management.Automation.Runspaces.PSSession[] Session { get; set; } = [];

    /// <summary>Only the settings whose names match (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[] Name { get; set; } = ["*"];

    /// <summary>The keystore password, for a password-protected keystore.</summary>
    [Parameter]
    [Alias("Password")]
    public SecureString? KeystorePassword { get; set; }

    protected override void ProcessRecordCore()
    {
        var local = Engine.NodeConfig.LocalFiles;
        var keystores = ParameterSetName switch
        {
            ByPath => ProviderPaths.ResolveFiles(this, Path).Select(f => (Files: local, Path: f)),
            BySession => NodeTargets.Resolve(this, ConfigPath, Session).Select(n => (n.Files, n.Files.Combine(n.ConfigPath, "elasticsearch.keystore"))),
            _ => ProviderPaths.ResolveDirectories(this, ConfigPath).Select(d => (Files: local, Path: System.IO.Path.Combine(d, "elasticsearch.keystore"))),
        };
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (var (files, keystore) in keystores)
        {
            try
            {
                foreach (var entry in Engine.NodeConfig.ReadKeystore(files, keystore, KeystorePassword))
                {
                    if (patterns.Any(p => p.IsMatch(entry.Name)))
                    {
                        WriteObject(entry);
                    }
                }
            }
            catch (EckRemoteClusterException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}

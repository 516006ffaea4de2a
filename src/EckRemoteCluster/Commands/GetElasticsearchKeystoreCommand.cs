using System.Management.Automation;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the settings in Elasticsearch nodes' keystores, without Java or the elasticsearch-keystore tool.</summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchKeystore", DefaultParameterSetName = ByConfigPath)]
[OutputType(typeof(ElasticsearchKeystoreEntry))]
public sealed class GetElasticsearchKeystoreCommand : NodeReaderCmdlet
{
    private const string ByPath = "Path";

    /// <summary>
    /// A node's config directory; the keystore is its elasticsearch.keystore. Declared again only to leave PSPath and
    /// FullName to -Path here: a keystore file piped from Get-Item binds -Path.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByConfigPath)]
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = BySession)]
    [ValidateNotNullOrEmpty]
    public new string[] ConfigPath
    {
        get => base.ConfigPath;
        set => base.ConfigPath = value;
    }

    /// <summary>The keystore file itself.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByPath)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

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
        var keystores = ParameterSetName == ByPath
            ? ProviderPaths.ResolveFiles(this, Path).Select(f => (Files: Engine.NodeConfig.LocalFiles, Path: f))
            : RecordNodes().Select(n => (Files: n.Files, Path: n.Files.Combine(n.ConfigPath, "elasticsearch.keystore")));
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

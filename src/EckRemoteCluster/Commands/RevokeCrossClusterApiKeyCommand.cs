using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Invalidates a cross-cluster API key: every local cluster using it loses access at once.</summary>
[Cmdlet(VerbsSecurity.Revoke, "CrossClusterApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(void))]
public sealed class RevokeCrossClusterApiKeyCommand : CrossClusterApiKeyTargetCmdlet
{
    /// <summary>Skips the confirmation prompt.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        var (id, label, connection) = ResolveKey();
        if (ParameterSetName == InputObjectSet && InputObject.Invalidated)
        {
            WriteVerbose($"API key {label} is already invalidated; nothing to do.");
            return;
        }

        if (!ChangeConfirmation.ShouldChange(this, Force, $"API key {label} on '{connection.ClusterName}'", "Invalidate (remote clusters using it lose access)"))
        {
            return;
        }

        var invalidated = RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.InvalidateAsync(connection, id, reporter, token));
        WriteVerbose(invalidated ? $"Invalidated API key {label}." : $"API key {label} was already invalidated.");
    }
}

using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>-Force for ConfirmImpact High cmdlets: it skips the confirmation prompt, never -WhatIf.</summary>
internal static class ChangeConfirmation
{
    public static bool ShouldChange(EckRemoteClusterCmdlet cmdlet, bool force, string target, string action) =>
        force && !WhatIfRequested(cmdlet) || cmdlet.ShouldProcess(target, action);

    private static bool WhatIfRequested(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value))
        {
            return value is SwitchParameter { IsPresent: true } || value is true;
        }

        return LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference"));
    }
}

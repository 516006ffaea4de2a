using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Lets engine work started by RunWithReporting ask ShouldProcess: the question runs on the pipeline thread (the only
/// one PowerShell lets prompt), and -WhatIf, -Confirm and ConfirmationRequired behave as in any cmdlet.
/// </summary>
internal sealed class PipelineConfirmation(EckRemoteClusterCmdlet cmdlet) : IChangeConfirmation
{
    public async Task<bool> ConfirmAsync(string target, string action)
    {
        var answer = false;
        await cmdlet.OnPipelineThread(() => answer = cmdlet.ShouldProcess(target, action)).ConfigureAwait(false);
        return answer;
    }
}

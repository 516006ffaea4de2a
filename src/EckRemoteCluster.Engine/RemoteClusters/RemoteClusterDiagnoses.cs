using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Why a remote cluster is not connected: a short cause, the evidence quoted, the fix, and what the cause rests on.</summary>
internal sealed record RemoteClusterDiagnosis(string Cause, string? Evidence, string RecommendedAction, IReadOnlyList<string> Basis);

/// <summary>Runs the diagnosis table on the evidence gathered about one remote.</summary>
internal static class RemoteClusterDiagnoses
{
    public static RemoteClusterDiagnosis Diagnose(RemoteConnectionEvidence evidence)
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(evidence);
        return new RemoteClusterDiagnosis(diagnosis.Cause.ToString(), diagnosis.Evidence, diagnosis.RecommendedAction, diagnosis.Basis);
    }

    /// <summary>From Elasticsearch's messages and _remote/info alone.</summary>
    public static RemoteClusterDiagnosis Diagnose(IReadOnlyList<string> messages, RemoteCluster? remote, string alias) => Diagnose(new RemoteConnectionEvidence
    {
        Alias = alias,
        Messages = messages,
        Registered = remote is not null ? true : messages.Any(m => m.Contains("no such remote cluster", StringComparison.Ordinal)) ? false : null,
        Connected = remote?.Connected,
        Mode = remote?.Mode,
        ProxyAddress = remote?.ProxyAddress,
        ServerName = remote?.ServerName,
        HasClusterCredentials = remote is null ? null : remote.SecurityModel == RemoteClusterSecurityModel.ApiKey,
    });
}

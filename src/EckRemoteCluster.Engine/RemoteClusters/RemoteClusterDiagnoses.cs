using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Why a remote cluster is not connected: a short cause, Elasticsearch's message, and the fix.</summary>
internal sealed record RemoteClusterDiagnosis(string Cause, string? Evidence, string RecommendedAction);

/// <summary>Gathers what Elasticsearch reported about one remote into evidence for the diagnosis table.</summary>
internal static class RemoteClusterDiagnoses
{
    public static RemoteClusterDiagnosis Diagnose(IReadOnlyList<string> messages, RemoteCluster? remote, string alias)
    {
        var evidence = new RemoteConnectionEvidence
        {
            Alias = alias,
            Messages = messages,
            Registered = remote is not null ? true : messages.Any(m => m.Contains("no such remote cluster", StringComparison.Ordinal)) ? false : null,
            Connected = remote?.Connected,
            Mode = remote?.Mode,
            ProxyAddress = remote?.ProxyAddress,
            HasClusterCredentials = remote is null ? null : remote.SecurityModel == RemoteClusterSecurityModel.ApiKey,
        };
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(evidence);
        return new RemoteClusterDiagnosis(diagnosis.Cause, diagnosis.Evidence, diagnosis.RecommendedAction);
    }
}

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Why a remote cluster is not connected: a short cause, Elasticsearch's message, and the fix.</summary>
internal sealed record RemoteClusterDiagnosis(string Cause, string? Evidence, string RecommendedAction);

/// <summary>Maps what Elasticsearch reported about a remote connection to a diagnosis.</summary>
internal static class RemoteClusterDiagnoses
{
    public static RemoteClusterDiagnosis Diagnose(string? error, RemoteCluster? remote) =>
        new("Unknown", error, "Run Test-RemoteCluster -Verbose and read Elasticsearch's message.");
}

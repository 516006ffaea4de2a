namespace Sandbox.Operator;

/// <summary>What the sandbox's command line decides for the ECK operator.</summary>
/// <param name="EckVersion">ECK release being emulated (3.3.0 honours spec.remoteClusterServer.service; 3.2.0 ignores it).</param>
/// <param name="SeedElasticsearchVersion">Version of the seeded elastic/quickstart cluster.</param>
/// <param name="Seed">Makes generated names, addresses and passwords reproducible.</param>
public sealed record EckOperatorOptions(
    string EckVersion = "3.3.0",
    string SeedElasticsearchVersion = "9.1.0",
    int Seed = 0,
    bool SeedQuickstart = true)
{
    /// <summary>The clusters seeded when <see cref="SeedQuickstart"/> is set; null: elastic/quickstart alone.</summary>
    public IReadOnlyList<SeededEckCluster>? SeedClusters { get; init; }

    /// <summary>spec.remoteClusterServer.service exists from ECK 3.3 on.</summary>
    public bool SupportsRemoteClusterServiceTemplate => System.Version.Parse(EckVersion) >= new System.Version(3, 3, 0);
}

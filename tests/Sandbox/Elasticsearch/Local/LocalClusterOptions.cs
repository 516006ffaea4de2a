namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// The self-managed cluster: <c>--local-nodes</c> (default 2), <c>--local-version</c> (default 9.1.0) and
/// <c>--keystore-password-node N</c> (1-based; that node's keystore is password-protected).
/// </summary>
public sealed record LocalClusterOptions(string StateDir, int NodeCount = 2, string Version = "9.1.0", int? KeystorePasswordNode = null)
{
    public string ClusterName { get; init; } = "local-cluster";

    /// <summary>
    /// <c>--node-user NAME</c>: the config directories are installed as a package installs them (root:NAME, directory
    /// 2750, files 660) and the nodes read their files as NAME (<see cref="NodeFileReader"/>).
    /// </summary>
    public string? NodeUser { get; init; }

    public string Root => Path.Combine(StateDir, "local");
}

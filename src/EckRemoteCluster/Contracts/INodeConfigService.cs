using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>Reads and edits the on-disk configuration of self-managed Elasticsearch nodes.</summary>
internal interface INodeConfigService
{
    /// <summary>Reads a node's config directory (elasticsearch.yml and what it references).</summary>
    ElasticsearchNodeConfig Read(string configPath);

    /// <summary>Every entry of a keystore file, values as SecureStrings.</summary>
    IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(string keystorePath, SecureString? password);

    /// <summary>Opens the keystores of the nodes whose config directories are given, to change them together.</summary>
    IKeystoreBatch OpenKeystores(IReadOnlyList<string> configPaths, SecureString? password);

    /// <summary>
    /// Plans making every node trust <paramref name="caPem"/> (one or more PEM certificates) for the scope;
    /// <paramref name="keystorePassword"/> opens protected keystores that hold a transport truststore's password.
    /// </summary>
    ITrustBatch PlanTrust(IReadOnlyList<string> configPaths, string caPem, TrustScope scope, SecureString? keystorePassword = null);

    /// <summary>The CA the node's transport certificate chains to (certificate model), from PEM settings or its PKCS#12 stores.</summary>
    ElasticsearchTransportCa ReadTransportCa(string configPath, SecureString? keystorePassword);
}

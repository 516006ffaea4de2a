using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>Reads and edits the on-disk configuration of self-managed Elasticsearch nodes.</summary>
internal interface INodeConfigService
{
    /// <summary>Reads a node's config directory (elasticsearch.yml and what it references).</summary>
    ElasticsearchNodeConfig Read(string configPath);

    /// <summary>Reads a node's config directory through its <see cref="INodeFiles"/> (local, or a session).</summary>
    ElasticsearchNodeConfig Read(NodeDirectory node);

    /// <summary>Every entry of a keystore file, values as SecureStrings.</summary>
    IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(string keystorePath, SecureString? password);

    /// <summary>Every entry of a keystore file reached through <paramref name="files"/>.</summary>
    IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(INodeFiles files, string keystorePath, SecureString? password);

    /// <summary>The local implementation of node file access (paths this process can open).</summary>
    INodeFiles LocalFiles { get; }

    /// <summary>Locks the nodes and opens their keystores, to change them together.</summary>
    IKeystoreBatch OpenKeystores(IReadOnlyList<NodeDirectory> nodes, SecureString? password);

    /// <summary>
    /// Plans making every node trust <paramref name="caPem"/> (one or more PEM certificates) for the scope;
    /// <paramref name="keystorePassword"/> opens protected keystores that hold a transport truststore's password.
    /// For a node that trusts through a PKCS#12 store the CAs are added to it, and the trusted entries named by
    /// <paramref name="removeFromStores"/> (SHA-1 thumbprints) removed; a PEM CA file becomes <paramref name="caPem"/>.
    /// </summary>
    ITrustBatch PlanTrust(IReadOnlyList<NodeDirectory> nodes, string caPem, TrustScope scope, SecureString? keystorePassword = null, IReadOnlyCollection<string>? removeFromStores = null);

    /// <summary>
    /// The CA the node's transport certificate chains to (certificate model), from PEM settings or its PKCS#12 stores,
    /// read through the node's <see cref="INodeFiles"/> (local, or a session).
    /// </summary>
    ElasticsearchTransportCa ReadTransportCa(NodeDirectory node, SecureString? keystorePassword);

    /// <summary>
    /// Replaces a local file as node files are replaced: a temporary in the same directory with the old file's owner,
    /// group and mode (ACL on Windows) before anything is written to it, renamed over the file (the target of a link).
    /// </summary>
    void ReplaceFile(string path, byte[] content);
}

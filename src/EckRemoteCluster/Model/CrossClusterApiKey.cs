using System.Security;

namespace EckRemoteCluster;

/// <summary>
/// A cross-cluster API key on the remote (ECK) cluster. EncodedKey, the value the local cluster's keystore needs, exists
/// only right after New-CrossClusterApiKey (Elasticsearch never returns it again) and is a SecureString;
/// EncodedKeyPlainText is filled only when -AsPlainText was asked for.
/// </summary>
public sealed class CrossClusterApiKey(
    string id,
    string name,
    string? cluster,
    string? alias,
    string[] search,
    string[] replication,
    string access,
    DateTime? creation,
    DateTime? expiration,
    bool invalidated,
    string? owner,
    IReadOnlyDictionary<string,
    object?> metadata,
    SecureString? encodedKey,
    string? encodedKeyPlainText)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    /// <summary>The name of the cluster the key belongs to (the remote cluster).</summary>
    public string? Cluster { get; } = cluster;

    /// <summary>The remote cluster alias the key is meant for on the local side (from the key's metadata).</summary>
    public string? Alias { get; } = alias;

    /// <summary>Index patterns the key may search (cross-cluster search).</summary>
    public string[] Search { get; } = search;

    /// <summary>Index patterns the key may replicate from (cross-cluster replication).</summary>
    public string[] Replication { get; } = replication;

    /// <summary>The key's access as Elasticsearch stores it (JSON), including any query and field security.</summary>
    public string Access { get; } = access;

    public DateTime? Creation { get; } = creation;

    public DateTime? Expiration { get; } = expiration;

    public bool Invalidated { get; } = invalidated;

    /// <summary>The user that created the key.</summary>
    public string? Owner { get; } = owner;

    public IReadOnlyDictionary<string, object?> Metadata { get; } = metadata;

    /// <summary>base64(id:api_key), the value for cluster.remote.&lt;alias&gt;.credentials; only right after creation.</summary>
    public SecureString? EncodedKey { get; } = encodedKey;

    /// <summary>The same value as plain text, filled only with -AsPlainText.</summary>
    public string? EncodedKeyPlainText { get; } = encodedKeyPlainText;

    /// <summary>The connection the key was read or created through, so Update- and Revoke- can act on a piped key.</summary>
    internal ElasticsearchConnection? Connection { get; init; }

    public override string ToString() => $"{Name} ({Id})";
}

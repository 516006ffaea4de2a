namespace EckRemoteCluster;

/// <summary>What Sync-RemoteClusterEstate does (or, under -WhatIf, would do) in one step of one link.</summary>
public enum EstateAction
{
    /// <summary>Already as the estate file says; nothing is sent or written.</summary>
    Unchanged,

    /// <summary>Not there yet: it is created.</summary>
    Create,

    /// <summary>There, but different from the file: it is changed in place.</summary>
    Update,

    /// <summary>A new API key replaces the current one (it expires soon, or its expiration differs from the file); the old one is revoked once the new one works.</summary>
    Rotate,

    /// <summary>On the cluster but not in the file (only for local clusters with prune: true): it is removed.</summary>
    Remove,
}

/// <summary>The steps of one link, in the order the manual workflow takes them.</summary>
public enum EstateStep
{
    /// <summary>spec.remoteClusterServer.enabled on the ECK cluster (a rolling restart of its pods).</summary>
    RemoteClusterServer,

    /// <summary>The Service that exposes the ECK cluster's remote cluster server (API key) or transport interface (certificate).</summary>
    Publish,

    /// <summary>The local cluster's transport CA trusted by the ECK cluster (certificate model).</summary>
    EckTrust,

    /// <summary>The ECK cluster's transport CA trusted by every local node (remote-cluster-ca.crt or certificate_authorities, elasticsearch.yml).</summary>
    Trust,

    /// <summary>The cross-cluster API key on the ECK cluster, with the link's search and replication access.</summary>
    ApiKey,

    /// <summary>cluster.remote.&lt;alias&gt;.credentials in every local node's keystore, reloaded.</summary>
    Credential,

    /// <summary>cluster.remote.&lt;alias&gt;.* in the local cluster's settings (proxy mode).</summary>
    Registration,

    /// <summary>A local role that reaches the link's remote indices.</summary>
    Role,
}

/// <summary>One row of the plan: one step of one link, and what it does.</summary>
public sealed class RemoteClusterEstateStep(string local, string alias, string eckCluster, EstateStep step, EstateAction action, string detail)
{
    /// <summary>The local cluster's name in the estate file.</summary>
    public string Local { get; } = local;

    public string Alias { get; } = alias;

    /// <summary>The ECK cluster's name in the estate file (empty for a registration the file does not know).</summary>
    public string EckCluster { get; } = eckCluster;

    public EstateStep Step { get; } = step;

    public EstateAction Action { get; } = action;

    /// <summary>What is there and what the file asks for, in words.</summary>
    public string Detail { get; } = detail;

    public override string ToString() => $"{Local}/{Alias} {Step}: {Action}";
}

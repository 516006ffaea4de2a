namespace EckRemoteCluster;

/// <summary>A local role that lets users reach a remote cluster's indices (remote_indices, remote_cluster).</summary>
public sealed class RemoteClusterRole
{
    public RemoteClusterRole(string name, string[] clusters, string[] indices, string[] privileges, string[] remoteClusterPrivileges, RoleChange change)
    {
        Name = name;
        Clusters = clusters;
        Indices = indices;
        Privileges = privileges;
        RemoteClusterPrivileges = remoteClusterPrivileges;
        Change = change;
    }

    public string Name { get; }

    /// <summary>The remote cluster aliases (patterns allowed) the role applies to.</summary>
    public string[] Clusters { get; }

    public string[] Indices { get; }

    public string[] Privileges { get; }

    /// <summary>remote_cluster privileges (Elasticsearch 8.15 and later), e.g. monitor_enrich.</summary>
    public string[] RemoteClusterPrivileges { get; }

    public RoleChange Change { get; }

    public override string ToString() => Name;
}

public enum RoleChange
{
    Unchanged,
    Created,
    Updated,
}

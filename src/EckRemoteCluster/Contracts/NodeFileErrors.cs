namespace EckRemoteCluster.Contracts;

/// <summary>The failures of <see cref="INodeFiles"/> implementations, shared so a session-based one reports the same ErrorIds.</summary>
internal static class NodeFileErrors
{
    /// <summary>
    /// Elasticsearch's keystore tool refuses the same way (KeyStoreWrapper.save): "will not overwrite keystore at
    /// [...], because this incurs changing the file owner". Thrown before any file of any node is written.
    /// </summary>
    public static EckRemoteClusterException OwnerWouldChange(NodeFileInfo file, string why) => new(
        ErrorIds.NodeFileOwnerWouldChange,
        EckErrorCategory.PermissionDenied,
        $"Will not overwrite [{file.Path}], because this incurs changing the file owner: {why}. Nothing was changed.",
        "Run the command as root (the module then keeps each file's owner, group and mode) or as the user that owns the node's files, "
        + "for example: sudo -u elasticsearch pwsh -c 'Add-RemoteClusterCredential ...'.",
        file.Path);

    public static EckRemoteClusterException WriteFailed(string path, Exception inner) => new(
        inner is UnauthorizedAccessException ? ErrorIds.NodeConfigAccessDenied : ErrorIds.NodeConfigWriteFailed,
        inner is UnauthorizedAccessException ? EckErrorCategory.PermissionDenied : EckErrorCategory.WriteError,
        $"Could not write '{path}': {inner.Message}",
        "Run with an account that may write the node's config directory (root, or the user Elasticsearch runs as), then run the command again: "
        + "it finishes or undoes what this run left.",
        path,
        inner);

    public static EckRemoteClusterException ReadFailed(string path, Exception inner) => new(
        inner is UnauthorizedAccessException ? ErrorIds.NodeConfigAccessDenied : ErrorIds.NodeConfigReadFailed,
        inner is UnauthorizedAccessException ? EckErrorCategory.PermissionDenied : EckErrorCategory.ReadError,
        $"Could not read '{path}': {inner.Message}",
        "Run with an account that may read the node's config directory (root, or the user Elasticsearch runs as).",
        path,
        inner);

    public static EckRemoteClusterException Locked(string directory, TimeSpan waited, Exception? inner = null) => new(
        ErrorIds.NodeConfigLocked,
        EckErrorCategory.ResourceUnavailable,
        $"Another run of the module holds the lock on '{directory}' ({NodeFileNames.LockFile}); waited {waited.TotalSeconds:0} s.",
        "Wait for the other Add-RemoteClusterCredential, Add-RemoteClusterTrust, Move-RemoteClusterToApiKey or Disconnect-RemoteCluster to finish, then run this again.",
        directory,
        inner);
}

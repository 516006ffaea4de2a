namespace EckRemoteCluster;

/// <summary>What writing a keystore setting did, or would do, to one node's keystore.</summary>
public enum KeystoreChange
{
    Unchanged,
    Added,
    Updated,
    Removed,
}

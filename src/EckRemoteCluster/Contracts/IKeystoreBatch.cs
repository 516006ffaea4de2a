using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>The planned change to one node's keystore; PasswordProtected tells how its node must be asked to reload it.</summary>
internal sealed record KeystorePlan(string ConfigPath, string KeystorePath, KeystoreChange Change, bool PasswordProtected, NodeDirectory? Node = null);

/// <summary>What a save did on one node.</summary>
internal sealed record KeystoreSaveResult(string ConfigPath, string KeystorePath, KeystoreChange Change, string? BackupPath, bool PasswordProtected, NodeDirectory? Node = null);

/// <summary>
/// The keystores of several nodes, all opened (and so all validated: present, password right, not corrupted) before
/// any is changed, and saved together: if one save fails, those already written are restored, so a credential is
/// never on some nodes and not on others because of this module. Every node is locked from opening to Dispose.
/// </summary>
internal interface IKeystoreBatch : IDisposable
{
    IReadOnlyList<KeystorePlan> SetEntry(string settingName, SecureString value);

    IReadOnlyList<KeystorePlan> RemoveEntry(string settingName);

    /// <summary>For each node, whether it holds the setting, and whether its value equals the first holder's.</summary>
    IReadOnlyList<(string ConfigPath, bool Present, bool SameAsFirst)> CompareEntry(string settingName);

    /// <summary>For each node, the API key id in the setting's value (base64 of id:secret); null when absent or not a key. The secret is never kept.</summary>
    IReadOnlyList<(string ConfigPath, string? KeyId)> ApiKeyIds(string settingName);

    /// <summary>The setting's value on the first node that holds it (to put it back later); null when no node does.</summary>
    SecureString? GetEntry(string settingName);

    /// <summary>The plan so far for every node, in order (Unchanged before any SetEntry or RemoveEntry).</summary>
    IReadOnlyList<KeystorePlan> Planned { get; }

    /// <summary>What settling an interrupted earlier run did when the batch was opened (one line per batch).</summary>
    IReadOnlyList<string> Recovered { get; }

    /// <summary>
    /// Writes every keystore whose plan is a change, all or none (journaled; see INodeFiles for the file semantics),
    /// each with a backup beside it; <paramref name="operation"/> names the change in the journal.
    /// </summary>
    IReadOnlyList<KeystoreSaveResult> Save(string operation);
}

using System.Security;
using System.Security.Cryptography;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine.LocalNodes;

internal sealed class KeystoreBatch : IKeystoreBatch
{
    private readonly List<OpenKeystore> _nodes;

    private KeystoreBatch(List<OpenKeystore> nodes) => _nodes = nodes;

    /// <summary>Opens every node's keystore or none: the first failure disposes what was opened and is rethrown.</summary>
    public static KeystoreBatch Open(IReadOnlyList<string> configPaths, SecureString? password)
    {
        var nodes = new List<OpenKeystore>();
        try
        {
            foreach (var configPath in configPaths)
            {
                var path = Path.Combine(configPath, ElasticsearchKeystore.FileName);
                var keystore = SecureStrings.Use(password, chars => ElasticsearchKeystore.Load(path, chars));
                nodes.Add(new OpenKeystore(configPath, path, keystore));
            }
        }
        catch
        {
            nodes.ForEach(n => n.Keystore.Dispose());
            throw;
        }

        return new KeystoreBatch(nodes);
    }

    public IReadOnlyList<KeystorePlan> SetEntry(string settingName, SecureString value)
    {
        byte[] bytes = SecureStrings.ToUtf8(value);
        try
        {
            foreach (var node in _nodes)
            {
                bool existed = node.Keystore.Contains(settingName);
                if (node.Keystore.Set(settingName, bytes))
                {
                    node.Change = existed ? KeystoreChange.Updated : KeystoreChange.Added;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        return Plans();
    }

    public IReadOnlyList<KeystorePlan> RemoveEntry(string settingName)
    {
        foreach (var node in _nodes)
        {
            if (node.Keystore.Remove(settingName))
            {
                node.Change = KeystoreChange.Removed;
            }
        }

        return Plans();
    }

    public IReadOnlyList<(string ConfigPath, bool Present, bool SameAsFirst)> CompareEntry(string settingName)
    {
        byte[]? first = null;
        var result = new List<(string, bool, bool)>();
        foreach (var node in _nodes)
        {
            if (!node.Keystore.Contains(settingName))
            {
                result.Add((node.ConfigPath, false, false));
                continue;
            }

            byte[] value = node.Keystore.GetBytes(settingName);
            first ??= (byte[])value.Clone();
            result.Add((node.ConfigPath, true, CryptographicOperations.FixedTimeEquals(first, value)));
            CryptographicOperations.ZeroMemory(value);
        }

        if (first is not null)
        {
            CryptographicOperations.ZeroMemory(first);
        }

        return result;
    }

    public IReadOnlyList<KeystoreSaveResult> Save()
    {
        var saved = new List<OpenKeystore>();
        try
        {
            foreach (var node in _nodes.Where(n => n.Change != KeystoreChange.Unchanged))
            {
                node.Keystore.Save(node.KeystorePath);
                saved.Add(node);
            }
        }
        catch
        {
            // Put back what this batch already wrote: the backup Save just made is the content before the batch.
            foreach (var node in saved)
            {
                File.Copy(node.KeystorePath + ElasticsearchKeystore.BackupSuffix, node.KeystorePath, overwrite: true);
            }

            throw;
        }

        return _nodes.Select(n => new KeystoreSaveResult(
            n.ConfigPath,
            n.KeystorePath,
            n.Change,
            n.Change == KeystoreChange.Unchanged ? null : n.KeystorePath + ElasticsearchKeystore.BackupSuffix,
            n.Keystore.HasPassword)).ToList();
    }

    public void Dispose() => _nodes.ForEach(n => n.Keystore.Dispose());

    private List<KeystorePlan> Plans() => _nodes.Select(n => new KeystorePlan(n.ConfigPath, n.KeystorePath, n.Change, n.Keystore.HasPassword)).ToList();

    private sealed class OpenKeystore(string configPath, string keystorePath, ElasticsearchKeystore keystore)
    {
        public string ConfigPath { get; } = configPath;

        public string KeystorePath { get; } = keystorePath;

        public ElasticsearchKeystore Keystore { get; } = keystore;

        public KeystoreChange Change { get; set; } = KeystoreChange.Unchanged;
    }
}

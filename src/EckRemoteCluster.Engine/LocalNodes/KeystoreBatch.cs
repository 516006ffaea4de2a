using System.Security;
using System.Security.Cryptography;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine.LocalNodes;

internal sealed class KeystoreBatch : IKeystoreBatch
{
    private readonly LockedNodes _locked;
    private readonly List<OpenKeystore> _nodes;

    private KeystoreBatch(LockedNodes locked, List<OpenKeystore> nodes)
    {
        _locked = locked;
        _nodes = nodes;
    }

    public IReadOnlyList<string> Recovered => _locked.Recovered;

    public IReadOnlyList<KeystorePlan> Planned => Plans();

    /// <summary>
    /// Locks every node, settles an interrupted earlier run, then opens every node's keystore or none: the first
    /// failure disposes what was opened, releases the locks and is rethrown. The locks are held until Dispose.
    /// The keystores are read on all nodes at once (<see cref="NodeParallel"/>); then every distinct salt's key is
    /// derived in one go, over all cores and SIMD lanes (<see cref="KeystoreKeys.Prepare"/>), so nodes whose keystores
    /// share a salt share one derivation and nodes with salts of their own share the cores' vector units; then each
    /// keystore is decrypted with its key.
    /// </summary>
    public static KeystoreBatch Open(IReadOnlyList<NodeDirectory> directories, SecureString? password, TimeSpan? lockTimeout = null)
    {
        var locked = LockedNodes.Open(directories, lockTimeout);
        NodeParallel.Outcome<OpenKeystore>[] opened;
        try
        {
            using var keys = new KeystoreKeys(DerivedKeyCache.Process);
            opened = SecureStrings.Use(password, chars =>
            {
                // The password's characters live only during this call; the parallel readers get a pinned copy that is
                // wiped before it returns.
                var shared = GC.AllocateUninitializedArray<char>(chars.Length, pinned: true);
                chars.CopyTo(shared);
                var files = NodeParallel.Run(locked.Nodes, node => node.Files, node =>
                {
                    var path = node.Files.Combine(node.ConfigPath, ElasticsearchKeystore.FileName);
                    return (Path: path, Content: Read(node, path));
                });
                try
                {
                    keys.Prepare(shared, files.Where(f => f.Failure is null).Select(f => ContainerOrNull(f.Result.Content, f.Result.Path)).OfType<KeystoreContainer>());
                    return files.Select((file, index) =>
                    {
                        if (file.Failure is not null)
                        {
                            return new NodeParallel.Outcome<OpenKeystore>(null, file.Failure);
                        }

                        try
                        {
                            var keystore = ElasticsearchKeystore.Parse(file.Result.Content, shared, file.Result.Path, keys);
                            return new NodeParallel.Outcome<OpenKeystore>(new OpenKeystore(locked.Nodes[index], file.Result.Path, keystore), null);
                        }
                        catch (Exception ex)
                        {
                            return new NodeParallel.Outcome<OpenKeystore>(null, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex));
                        }
                    }).ToArray();
                }
                finally
                {
                    Array.Clear(shared);
                    foreach (var file in files.Where(f => f.Failure is null))
                    {
                        CryptographicOperations.ZeroMemory(file.Result.Content);
                    }
                }
            });
        }
        catch
        {
            locked.Dispose();
            throw;
        }

        if (opened.Any(o => o.Failure is not null))
        {
            foreach (var node in opened)
            {
                node.Result?.Keystore.Dispose();
            }

            locked.Dispose();
            NodeParallel.ThrowFirstFailure(opened);
        }

        return new KeystoreBatch(locked, opened.Select(o => o.Result!).ToList());
    }

    /// <summary>One node's keystore file, as bytes the caller wipes.</summary>
    private static byte[] Read(LockedNode node, string path)
    {
        try
        {
            if (node.Files.GetInfo(path) is null)
            {
                throw KeystoreErrors.NotFound(path, new FileNotFoundException(null, path));
            }

            return node.Files.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeystoreErrors.ReadFailed(path, e);
        }
    }

    /// <summary>The container (salt, version) to derive a key for; null when unreadable: decrypting it reports why.</summary>
    private static KeystoreContainer? ContainerOrNull(byte[] content, string path)
    {
        try
        {
            return KeystoreContainer.Parse(content, path);
        }
        catch (Exception)
        {
            return null;
        }
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

    public SecureString? GetEntry(string settingName)
    {
        var holder = _nodes.FirstOrDefault(n => n.Keystore.Contains(settingName));
        if (holder is null)
        {
            return null;
        }

        byte[] value = holder.Keystore.GetBytes(settingName);
        try
        {
            return SecureStrings.FromUtf8(value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
        }
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

    public IReadOnlyList<(string ConfigPath, string? KeyId)> ApiKeyIds(string settingName)
    {
        var result = new List<(string, string?)>();
        foreach (var node in _nodes)
        {
            if (!node.Keystore.Contains(settingName))
            {
                result.Add((node.ConfigPath, null));
                continue;
            }

            byte[] value = node.Keystore.GetBytes(settingName);
            byte[] decoded = new byte[value.Length];
            try
            {
                string? id = null;
                if (Convert.TryFromBase64String(System.Text.Encoding.ASCII.GetString(value), decoded, out int length))
                {
                    int colon = Array.IndexOf(decoded, (byte)':', 0, length);
                    id = colon > 0 ? System.Text.Encoding.UTF8.GetString(decoded, 0, colon) : null;
                }

                result.Add((node.ConfigPath, id));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(value);
                CryptographicOperations.ZeroMemory(decoded);
            }
        }

        return result;
    }

    public IReadOnlyList<KeystoreSaveResult> Save(string operation)
    {
        var plan = new List<(LockedNode, IReadOnlyList<NodeFileWrite>)>();
        try
        {
            foreach (var node in _nodes.Where(n => n.Change != KeystoreChange.Unchanged))
            {
                plan.Add((node.Node, [new NodeFileWrite(node.KeystorePath, node.Keystore.ToFileBytes())]));
            }

            var written = NodeWriteBatch.Commit(plan, operation);
            return _nodes.Select(n => new KeystoreSaveResult(
                n.ConfigPath,
                n.KeystorePath,
                n.Change,
                written.TryGetValue(n.Node, out var files) ? files[0].BackupPath : null,
                n.Keystore.HasPassword,
                n.Node.Directory)).ToList();
        }
        finally
        {
            foreach (var (_, writes) in plan)
            {
                CryptographicOperations.ZeroMemory(writes[0].Content);
            }
        }
    }

    public void Dispose()
    {
        _nodes.ForEach(n => n.Keystore.Dispose());
        _locked.Dispose();
    }

    private List<KeystorePlan> Plans() => _nodes.Select(n => new KeystorePlan(n.ConfigPath, n.KeystorePath, n.Change, n.Keystore.HasPassword, n.Node.Directory)).ToList();

    private sealed class OpenKeystore(LockedNode node, string keystorePath, ElasticsearchKeystore keystore)
    {
        public LockedNode Node { get; } = node;

        public string ConfigPath => Node.ConfigPath;

        public string KeystorePath { get; } = keystorePath;

        public ElasticsearchKeystore Keystore { get; } = keystore;

        public KeystoreChange Change { get; set; } = KeystoreChange.Unchanged;
    }
}

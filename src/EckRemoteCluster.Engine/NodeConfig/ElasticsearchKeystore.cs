using EckRemoteCluster.Contracts;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// A decrypted elasticsearch.keystore, read and written natively (no Java, no elasticsearch-keystore tool).
/// Values are kept as bytes and only turned into text when a caller asks for one. Saving keeps the format
/// version the file had, so a node that could read it before can still read it. Dispose wipes the values.
/// </summary>
public sealed partial class ElasticsearchKeystore : IDisposable
{
    public const string FileName = "elasticsearch.keystore";

    /// <summary>
    /// Save keeps exactly one previous copy, named after the keystore with this suffix: one known place to restore
    /// from, without timestamped copies of secrets piling up in the config directory.
    /// </summary>
    public const string BackupSuffix = ".bak";

    public const int MinimumVersion = KeystoreFormat.MinimumVersion;
    public const int LatestVersion = KeystoreFormat.LatestVersion;
    public const string SeedSettingName = KeystoreFormat.SeedSettingName;

    private readonly List<KeyValuePair<string, KeystoreEntry>> _entries;
    private readonly byte[] _salt;
    private readonly byte[] _key;
    private bool _disposed;

    private ElasticsearchKeystore(int version, bool hasPassword, byte[] salt, byte[] key, List<KeyValuePair<string, KeystoreEntry>> entries)
    {
        Version = version;
        HasPassword = hasPassword;
        _salt = salt;
        _key = key;
        _entries = entries;
    }

    /// <summary>The format version, kept when saving.</summary>
    public int Version { get; }

    public bool HasPassword { get; }

    /// <summary>Setting names in file order.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            ThrowIfDisposed();
            return _entries.Select(e => e.Key).ToList();
        }
    }

    /// <summary>Read-only views of every value; they are wiped on Dispose, so copy what must outlive the keystore.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Entries
    {
        get
        {
            ThrowIfDisposed();
            return _entries.ToDictionary(e => e.Key, e => (ReadOnlyMemory<byte>)e.Value.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Reads and decrypts a keystore file; the password is ignored when the file has none, as ES does.</summary>
    public static ElasticsearchKeystore Load(string path, ReadOnlySpan<char> password)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeystoreErrors.NotFound(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeystoreErrors.ReadFailed(path, e);
        }

        return Parse(file, password, path);
    }

    /// <summary>
    /// Decrypts keystore file content; <paramref name="source"/> names it in errors. Given <paramref name="keys"/>
    /// (one per password), a key already derived for the same salt is reused instead of derived again. The key stays
    /// with the keystore: saving keeps the salt and draws a fresh IV, so a save derives nothing.
    /// </summary>
    public static ElasticsearchKeystore Parse(ReadOnlySpan<byte> file, ReadOnlySpan<char> password, string source) =>
        Parse(file, password, source, keys: null);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte}, ReadOnlySpan{char}, string)"/>
    internal static ElasticsearchKeystore Parse(ReadOnlySpan<byte> file, ReadOnlySpan<char> password, string source, KeystoreKeys? keys)
    {
        var container = KeystoreContainer.Parse(file, source);
        if (container.HasPassword && password.IsEmpty)
        {
            throw KeystoreErrors.PasswordRequired(source);
        }

        var effectivePassword = container.HasPassword ? password : ReadOnlySpan<char>.Empty;
        byte[] key = keys is null
            ? KeystoreCipher.DeriveKey(effectivePassword, container.Salt, container.Version)
            : keys.KeyFor(effectivePassword, container.Salt, container.Version, container.HasPassword);
        byte[]? plaintext = KeystoreCipher.Decrypt(key, container.Salt, container.Iv, container.Ciphertext);
        if (plaintext is null)
        {
            CryptographicOperations.ZeroMemory(key);

            // The CRC over the whole file already passed, so a tag mismatch means a wrong key, which is what ES reports.
            throw KeystoreErrors.PasswordIncorrect(source);
        }

        try
        {
            var entries = KeystoreEntries.Parse(plaintext, container.Version, source);
            return new ElasticsearchKeystore(container.Version, container.HasPassword, container.Salt, key, entries);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>A new keystore holding only a fresh keystore.seed, like 'elasticsearch-keystore create'.</summary>
    public static ElasticsearchKeystore Create(int version, ReadOnlySpan<char> password)
    {
        if (version < MinimumVersion || version > LatestVersion)
        {
            throw KeystoreErrors.UnsupportedVersion(version);
        }

        byte[] salt = RandomNumberGenerator.GetBytes(KeystoreFormat.SaltLength);
        byte[] key = KeystoreCipher.DeriveKey(password, salt, version);
        var keystore = new ElasticsearchKeystore(version, !password.IsEmpty, salt, key, []);
        keystore.Set(SeedSettingName, NewSeed());
        return keystore;
    }

    /// <summary>Whether the name is one ES accepts for a keystore setting: <c>[A-Za-z0-9_\-.]+</c>.</summary>
    public static bool IsValidSettingName(string? name) => name is not null && SettingNamePattern().IsMatch(name);

    public bool Contains(string name)
    {
        ThrowIfDisposed();
        return IndexOf(name) >= 0;
    }

    /// <summary>A copy of the value's bytes; the caller owns and should wipe it.</summary>
    public byte[] GetBytes(string name)
    {
        ThrowIfDisposed();
        return GetEntry(name).Value.ToArray();
    }

    /// <summary>The value as UTF-8 text, the way ES's getString reads it.</summary>
    public string GetString(string name)
    {
        ThrowIfDisposed();
        return Encoding.UTF8.GetString(GetEntry(name).Value);
    }

    /// <summary>Adds or replaces a value (copied); a replaced value is wiped. Returns whether anything changed.</summary>
    public bool Set(string name, ReadOnlySpan<byte> value)
    {
        ThrowIfDisposed();
        if (!IsValidSettingName(name))
        {
            throw KeystoreErrors.InvalidSettingName(name);
        }

        int index = IndexOf(name);
        if (index >= 0)
        {
            var old = _entries[index].Value;
            if (old.Value.AsSpan().SequenceEqual(value))
            {
                return false;
            }

            _entries[index] = new(name, new KeystoreEntry(value.ToArray(), old.LegacyType));
            old.Wipe();
        }
        else
        {
            _entries.Add(new(name, new KeystoreEntry(value.ToArray(), legacyType: null)));
        }

        return true;
    }

    /// <summary>Stores text as UTF-8, as 'elasticsearch-keystore add' does.</summary>
    public bool SetString(string name, ReadOnlySpan<char> value)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value)];
        try
        {
            Encoding.UTF8.GetBytes(value, bytes);
            return Set(name, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public bool Remove(string name)
    {
        ThrowIfDisposed();
        int index = IndexOf(name);
        if (index < 0)
        {
            return false;
        }

        var entry = _entries[index].Value;
        _entries.RemoveAt(index);
        entry.Wipe();
        return true;
    }

    /// <summary>
    /// The file content: same version, salt and password; a fresh IV every time. Elasticsearch's own save
    /// (KeyStoreWrapper.save) draws a new salt as well and so derives the key again; a reader takes salt and IV from
    /// the file, so keeping the salt is as readable, and with a fresh 96-bit IV per save AES-GCM never sees one
    /// key-IV pair twice. Keeping it lets the key derived on read serve the write.
    /// </summary>
    public byte[] ToFileBytes()
    {
        ThrowIfDisposed();
        byte[] plaintext = KeystoreEntries.Serialize(_entries, Version);
        try
        {
            byte[] iv = RandomNumberGenerator.GetBytes(KeystoreFormat.IvLength);
            byte[] ciphertext = KeystoreCipher.Encrypt(_key, _salt, iv, plaintext);
            return new KeystoreContainer(Version, HasPassword, _salt, iv, ciphertext).ToBytes();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Writes one keystore file the way every node file is written (<see cref="INodeFiles"/>): a temporary beside the
    /// file (the link's target for a link) that has the old file's owner, group and mode before the secret is written,
    /// flushed, then renamed over it with the previous file kept as <c>&lt;path&gt;.bak</c>. A new file is rw-rw----
    /// and owned by this process, as 'elasticsearch-keystore create' leaves it. Refuses, writing nothing, when the
    /// owner cannot be kept. Several nodes are written together through KeystoreBatch instead.
    /// </summary>
    public void Save(string path) => Save(LocalNodes.LocalNodeFiles.Instance, path);

    internal void Save(INodeFiles files, string path)
    {
        byte[] content = ToFileBytes();
        try
        {
            LocalNodes.WholeFileWrite.Write(files, path, content, NewFileMode, BackupSuffix);
        }
        catch (EckRemoteClusterException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            throw KeystoreErrors.WriteFailed(path, e.InnerException!);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var entry in _entries)
        {
            entry.Value.Wipe();
        }

        _entries.Clear();
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }

    private const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    private static byte[] NewSeed()
    {
        var seed = new byte[KeystoreFormat.SeedLength];
        for (int i = 0; i < seed.Length; i++)
        {
            seed[i] = (byte)KeystoreFormat.SeedAlphabet[RandomNumberGenerator.GetInt32(KeystoreFormat.SeedAlphabet.Length)];
        }

        return seed;
    }

    private int IndexOf(string name) => _entries.FindIndex(e => string.Equals(e.Key, name, StringComparison.Ordinal));

    private KeystoreEntry GetEntry(string name)
    {
        int index = IndexOf(name);
        if (index < 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.KeystoreSettingNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The keystore has no setting [{name}].",
                "List the keystore's settings with 'bin/elasticsearch-keystore list'.",
                name);
        }

        return _entries[index].Value;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    [GeneratedRegex(@"\A[A-Za-z0-9_\-.]+\z")]
    private static partial Regex SettingNamePattern();
}

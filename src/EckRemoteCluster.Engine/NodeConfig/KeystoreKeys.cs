using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The keystore keys of one run that opens several keystores with one password: PBKDF2 (210,000 rounds of
/// HMAC-SHA512 from format 6) runs once per distinct salt and round count, however many nodes share them (nodes cloned
/// from one image, or a keystore copied to every node), and concurrent opens of the same salt wait for one derivation.
/// Each keystore gets a copy of its key, since disposing a keystore wipes it; disposing this wipes the cached keys.
/// One instance serves one password only: the cache is keyed by whether the keystore has one, not by the password.
/// </summary>
internal sealed class KeystoreKeys : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _keys = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>How many derivations ran (tests prove the reuse with it).</summary>
    public int Derivations => _keys.Values.Count(k => k.IsValueCreated);

    /// <summary>A copy of the key for this salt and version, derived from <paramref name="password"/> on first use.</summary>
    public byte[] KeyFor(ReadOnlySpan<char> password, byte[] salt, int version, bool hasPassword)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var id = $"{(hasPassword ? 'p' : '-')}{KeystoreFormat.KdfIterations(version)}:{Convert.ToHexString(salt)}";
        if (!_keys.TryGetValue(id, out var lazy))
        {
            // The password is only readable during this call: a key not yet in the cache is derived now, on this
            // thread; another thread asking for the same salt meanwhile waits for this derivation.
            var chars = password.ToArray();
            try
            {
                lazy = _keys.GetOrAdd(id, new Lazy<byte[]>(() => KeystoreCipher.DeriveKey(chars, salt, version), LazyThreadSafetyMode.ExecutionAndPublication));
                _ = lazy.Value;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
            }
        }

        return (byte[])lazy.Value.Clone();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var key in _keys.Values.Where(k => k.IsValueCreated))
        {
            CryptographicOperations.ZeroMemory(key.Value);
        }

        _keys.Clear();
    }
}

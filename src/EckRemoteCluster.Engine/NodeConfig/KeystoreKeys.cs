using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The keystore keys of one run that opens several keystores with one password: PBKDF2 (210,000 rounds of
/// HMAC-SHA512 from format 6) runs once per distinct salt and round count, however many nodes share them (nodes cloned
/// from one image, or a keystore copied to every node), and concurrent opens of the same salt wait for one derivation.
/// Each keystore gets a copy of its key, since disposing a keystore wipes it; disposing this wipes the cached keys.
/// One instance serves one password only: the cache is keyed by whether the keystore has one, not by the password.
/// With a <see cref="DerivedKeyCache"/> (the cmdlets pass the process's), a key derived by an earlier run of this
/// process for the same password, salt and rounds is taken from there instead of derived again, and every key derived
/// here is left there for the next run.
/// </summary>
internal sealed class KeystoreKeys(DerivedKeyCache? shared = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _keys = new(StringComparer.Ordinal);
    private int _derivations;
    private bool _disposed;

    /// <summary>How many derivations ran (tests prove the reuse with it); keys found in the shared cache are not derivations.</summary>
    public int Derivations => Volatile.Read(ref _derivations);

    /// <summary>
    /// Derives at once the keys of every keystore a run is about to open (their containers read, nothing decrypted
    /// yet): each distinct salt once, spread over the cores, and on each core several salts side by side in SIMD
    /// lanes (<see cref="Pbkdf2Lanes"/>) where the CPU has them. Keystores cloned from one image share a salt and so
    /// one derivation; keystores written one by one each have their own, and this is where they stop costing one
    /// derivation time each per core.
    /// </summary>
    public void Prepare(ReadOnlySpan<char> password, IEnumerable<KeystoreContainer> containers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var passwordGiven = !password.IsEmpty;
        var missing = containers
            .Where(c => passwordGiven || !c.HasPassword)   // opening it fails with PasswordRequired: nothing to derive
            .GroupBy(c => Id(c.Salt, c.Version, c.HasPassword), StringComparer.Ordinal)
            .Where(g => !_keys.ContainsKey(g.Key))
            .Select(g => g.First())
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var chars = password.ToArray();
        try
        {
            if (shared is not null)
            {
                missing.RemoveAll(c => FromShared(c.HasPassword ? chars : [], c.Salt, c.Version, c.HasPassword));
            }

            foreach (var round in missing.GroupBy(c => KeystoreFormat.KdfIterations(c.Version)))
            {
                var containersOfRound = round.ToList();
                var derived = DeriveAll(containersOfRound.Select(c => (c.HasPassword ? chars : [], c.Salt)).ToList(), round.Key);
                Interlocked.Add(ref _derivations, derived.Length);
                for (var i = 0; i < derived.Length; i++)
                {
                    var key = derived[i];
                    shared?.Remember(shared.Id(containersOfRound[i].HasPassword ? chars : [], containersOfRound[i].Salt, round.Key), key);
                    var lazy = new Lazy<byte[]>(() => key, LazyThreadSafetyMode.ExecutionAndPublication);
                    _ = lazy.Value;
                    if (!_keys.TryAdd(Id(containersOfRound[i].Salt, containersOfRound[i].Version, containersOfRound[i].HasPassword), lazy))
                    {
                        CryptographicOperations.ZeroMemory(key);
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
        }
    }

    /// <summary>Fewer derivations than this on one core run one after another (the platform's PBKDF2); more, side by side in lanes.</summary>
    private const int MinimumForLanes = 2;

    /// <summary>
    /// Every derivation, the cores sharing them evenly: a core with at least <see cref="MinimumForLanes"/> of them runs
    /// them lanes-wide, a core with fewer one at a time.
    /// </summary>
    private static byte[][] DeriveAll(List<(char[] Password, byte[] Salt)> inputs, int iterations)
    {
        var keys = new byte[inputs.Count][];
        var cores = Math.Clamp(Environment.ProcessorCount, 1, inputs.Count);
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, core =>
        {
            var from = core * inputs.Count / cores;
            var to = (core + 1) * inputs.Count / cores;
            var share = inputs.GetRange(from, to - from);
            if (share.Count >= MinimumForLanes && Pbkdf2Lanes.IsAccelerated)
            {
                Pbkdf2Lanes.Derive(share, iterations, KeystoreFormat.KeyLength).CopyTo(keys, from);
                return;
            }

            for (var i = from; i < to; i++)
            {
                var key = new byte[KeystoreFormat.KeyLength];
                Rfc2898DeriveBytes.Pbkdf2(inputs[i].Password, inputs[i].Salt, key, iterations, HashAlgorithmName.SHA512);
                keys[i] = key;
            }
        });
        return keys;
    }

    /// <summary>Takes the key from the shared cache into this run's keys; false when it has none for these inputs.</summary>
    private bool FromShared(ReadOnlySpan<char> password, byte[] salt, int version, bool hasPassword)
    {
        if (shared?.TryGet(shared.Id(password, salt, KeystoreFormat.KdfIterations(version))) is not { } key)
        {
            return false;
        }

        var lazy = new Lazy<byte[]>(() => key, LazyThreadSafetyMode.ExecutionAndPublication);
        _ = lazy.Value;
        if (!_keys.TryAdd(Id(salt, version, hasPassword), lazy))
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return true;
    }

    private static string Id(byte[] salt, int version, bool hasPassword) =>
        $"{(hasPassword ? 'p' : '-')}{KeystoreFormat.KdfIterations(version)}:{Convert.ToHexString(salt)}";

    /// <summary>A copy of the key for this salt and version, derived from <paramref name="password"/> on first use.</summary>
    public byte[] KeyFor(ReadOnlySpan<char> password, byte[] salt, int version, bool hasPassword)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var id = Id(salt, version, hasPassword);
        if (!_keys.TryGetValue(id, out var lazy))
        {
            // The password is only readable during this call: a key not yet in the cache is derived now, on this
            // thread; another thread asking for the same salt meanwhile waits for this derivation.
            var chars = password.ToArray();
            try
            {
                if (shared is null || !FromShared(chars, salt, version, hasPassword))
                {
                    lazy = _keys.GetOrAdd(id, new Lazy<byte[]>(() =>
                    {
                        var key = KeystoreCipher.DeriveKey(chars, salt, version);
                        Interlocked.Increment(ref _derivations);
                        shared?.Remember(shared.Id(chars, salt, KeystoreFormat.KdfIterations(version)), key);
                        return key;
                    }, LazyThreadSafetyMode.ExecutionAndPublication));
                }
                else
                {
                    lazy = _keys[id];
                }

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

using System.Security.Cryptography;
using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// Keystore keys derived earlier in this process, for a short while: one pipeline opens the same keystores several
/// times (Add-RemoteClusterCredential, then Test-RemoteCluster -ConfigPath), and every open cost one PBKDF2 derivation
/// per salt (210,000 rounds of HMAC-SHA512: 120 ms on a quiet core, 300-600 ms on a busy one) for a key the process had
/// derived seconds before. An entry is found only with the same password, salt and round count; it holds the derived
/// key, never the password: its id is an HMAC-SHA256 of password, salt and rounds under a random key of this process,
/// so the id cannot be checked against a guessed password without that key. Each entry is wiped (zeroed) once its
/// lifetime has passed since it was derived, whether or not anything asks for it again (a timer), and every entry on
/// <see cref="Clear"/>. Callers get copies.
/// </summary>
internal sealed class DerivedKeyCache : IDisposable
{
    /// <summary>Long enough for the cmdlets of one pipeline, short enough that a key does not outlive it by much.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(2);

    private const int MaxEntries = 64;

    private readonly byte[] _idKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, (byte[] Key, long ExpiresAt)> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly Func<long> _now;
    private readonly Timer _sweeper;

    public DerivedKeyCache(TimeSpan? lifetime = null, Func<long>? now = null)
    {
        _lifetime = lifetime ?? DefaultLifetime;
        _now = now ?? (static () => Environment.TickCount64);
        _sweeper = new Timer(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The cache the cmdlets share (KeystoreBatch); tests make their own.</summary>
    public static DerivedKeyCache Process { get; } = new();

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The id of a key: no one can tell from it which password made it without this process's random key.</summary>
    public string Id(ReadOnlySpan<char> password, ReadOnlySpan<byte> salt, int iterations)
    {
        var passwordBytes = new byte[Encoding.UTF8.GetByteCount(password)];
        try
        {
            Encoding.UTF8.GetBytes(password, passwordBytes);
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _idKey);
            Span<byte> header = stackalloc byte[8];
            BitConverter.TryWriteBytes(header[..4], passwordBytes.Length);
            BitConverter.TryWriteBytes(header[4..], iterations);
            hmac.AppendData(header);
            hmac.AppendData(passwordBytes);
            hmac.AppendData(salt);
            return Convert.ToHexString(hmac.GetHashAndReset());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>A copy of the key for <paramref name="id"/> if one was derived within the lifetime.</summary>
    public byte[]? TryGet(string id)
    {
        lock (_entries)
        {
            RemoveExpired();
            return _entries.TryGetValue(id, out var entry) ? (byte[])entry.Key.Clone() : null;
        }
    }

    /// <summary>Keeps a copy of a key just derived, for the lifetime from now.</summary>
    public void Remember(string id, ReadOnlySpan<byte> key)
    {
        lock (_entries)
        {
            RemoveExpired();
            if (_entries.Remove(id, out var old))
            {
                CryptographicOperations.ZeroMemory(old.Key);
            }

            if (_entries.Count >= MaxEntries)
            {
                var oldest = _entries.MinBy(e => e.Value.ExpiresAt);
                CryptographicOperations.ZeroMemory(oldest.Value.Key);
                _entries.Remove(oldest.Key);
            }

            _entries[id] = (key.ToArray(), _now() + (long)_lifetime.TotalMilliseconds);
            ScheduleSweep();
        }
    }

    /// <summary>Wipes and forgets every key.</summary>
    public void Clear()
    {
        lock (_entries)
        {
            foreach (var entry in _entries.Values)
            {
                CryptographicOperations.ZeroMemory(entry.Key);
            }

            _entries.Clear();
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        Clear();
    }

    private void Sweep()
    {
        lock (_entries)
        {
            RemoveExpired();
            ScheduleSweep();
        }
    }

    /// <summary>The timer fires when the first entry expires (caller holds the lock).</summary>
    private void ScheduleSweep()
    {
        if (_entries.Count > 0)
        {
            var next = _entries.Values.Min(e => e.ExpiresAt) - _now();
            _sweeper.Change(TimeSpan.FromMilliseconds(Math.Max(1, next)), Timeout.InfiniteTimeSpan);
        }
    }

    private void RemoveExpired()
    {
        var now = _now();
        foreach (var expired in _entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            CryptographicOperations.ZeroMemory(_entries[expired].Key);
            _entries.Remove(expired);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.State;

/// <summary>A user of the native realm, as the .security index holds it (the password only as a salted hash).</summary>
public sealed record NativeUser(
    string Username,
    byte[] Salt,
    byte[] PasswordHash,
    IReadOnlyList<string> Roles,
    string? FullName,
    string? Email,
    JsonObject Metadata,
    bool Enabled);

/// <summary>The native realm's users of one cluster, thread-safe.</summary>
public sealed class NativeUserStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, NativeUser> _users = new(StringComparer.Ordinal);

    public NativeUser? Find(string username)
    {
        lock (_lock)
        {
            return _users.GetValueOrDefault(username);
        }
    }

    public IReadOnlyList<NativeUser> All()
    {
        lock (_lock)
        {
            return [.. _users.Values.OrderBy(u => u.Username, StringComparer.Ordinal)];
        }
    }

    /// <summary>Creates or replaces the user; a null password keeps the stored one. Returns whether the user is new.</summary>
    public bool Put(string username, string? password, IReadOnlyList<string> roles, string? fullName, string? email, JsonObject metadata, bool enabled)
    {
        lock (_lock)
        {
            var existing = _users.GetValueOrDefault(username);
            var (salt, hash) = password is null ? (existing!.Salt, existing.PasswordHash) : Hash(password);
            _users[username] = new NativeUser(username, salt, hash, roles, fullName, email, metadata, enabled);
            return existing is null;
        }
    }

    public bool SetPassword(string username, string password)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return false;
            }

            var (salt, hash) = Hash(password);
            _users[username] = user with { Salt = salt, PasswordHash = hash };
            return true;
        }
    }

    public bool SetEnabled(string username, bool enabled)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return false;
            }

            _users[username] = user with { Enabled = enabled };
            return true;
        }
    }

    public bool Delete(string username)
    {
        lock (_lock)
        {
            return _users.Remove(username);
        }
    }

    /// <summary>The user when the password matches and the user is enabled; null otherwise.</summary>
    public NativeUser? Authenticate(string username, string password)
    {
        var user = Find(username);
        if (user is null || !user.Enabled)
        {
            return null;
        }

        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), user.Salt, 1000, HashAlgorithmName.SHA256, 32);
        return CryptographicOperations.FixedTimeEquals(hash, user.PasswordHash) ? user : null;
    }

    private static (byte[] Salt, byte[] Hash) Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (salt, Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 1000, HashAlgorithmName.SHA256, 32));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Sandbox.Elasticsearch.State;

/// <summary>The API keys of a cluster (the .security index), thread-safe.</summary>
public sealed class ApiKeyStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ApiKey> _keys = new(StringComparer.Ordinal);

    public void Add(ApiKey key)
    {
        lock (_lock)
        {
            _keys[key.Id] = key;
        }
    }

    public ApiKey? Find(string id)
    {
        lock (_lock)
        {
            return _keys.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<ApiKey> All()
    {
        lock (_lock)
        {
            return [.. _keys.Values.OrderBy(k => k.Creation)];
        }
    }

    /// <summary>Runs <paramref name="change"/> under the store's lock, so concurrent updates of one key do not interleave.</summary>
    public T Mutate<T>(Func<T> change)
    {
        lock (_lock)
        {
            return change();
        }
    }

    /// <summary>
    /// Parses an <c>encoded</c> credential (base64 of "id:secret") and finds its key if the secret matches.
    /// Returns the id it names even when the key is unknown, since Elasticsearch names the id in its error.
    /// </summary>
    public (string? Id, ApiKey? Key) Authenticate(string encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
        }
        catch (FormatException)
        {
            return (null, null);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return (null, null);
        }

        var id = decoded[..colon];
        var secret = decoded[(colon + 1)..];
        var key = Find(id);
        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key.Secret), Encoding.UTF8.GetBytes(secret)))
        {
            return (id, null);
        }

        return (id, key);
    }
}

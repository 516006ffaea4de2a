using System.Buffers.Text;
using System.Security.Cryptography;

namespace EckRemoteCluster.Engine.Rules;

/// <summary>
/// The shape of an encoded cross-cluster API key, the value of cluster.remote.&lt;alias&gt;.credentials: Base64 of
/// <c>id:secret</c>, where Elasticsearch's ApiKeyService makes the id with UUIDs.base64UUID() (20 URL-safe Base64
/// characters) and the secret with UUIDs.randomBase64UUIDSecureString() (22 of them). A value of another shape would
/// replace a working credential with one that can never authenticate, so it is refused before any keystore is read.
/// The checks never put any part of the value in a message.
/// </summary>
public static class EncodedApiKey
{
    public const int IdLength = 20;
    public const int MinimumSecretLength = 22;

    public static void Validate(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty)
        {
            throw Invalid("The API key is empty.");
        }

        var trimmed = encoded.Trim();
        byte[] utf8 = new byte[trimmed.Length];
        byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(trimmed.Length)];
        try
        {
            for (int i = 0; i < trimmed.Length; i++)
            {
                if (trimmed[i] > 0x7F)
                {
                    throw Invalid("The API key is not Base64 text.");
                }

                utf8[i] = (byte)trimmed[i];
            }

            if (Base64.DecodeFromUtf8(utf8, decoded, out _, out int length) != System.Buffers.OperationStatus.Done)
            {
                throw Invalid("The API key is not Base64 text (is it the 'encoded' value, not the 'api_key' one?).");
            }

            var text = decoded.AsSpan(0, length);
            int colon = text.IndexOf((byte)':');
            if (colon < 0)
            {
                throw Invalid("The decoded API key has no 'id:secret' form.");
            }

            var id = text[..colon];
            var secret = text[(colon + 1)..];
            if (id.Length != IdLength || !IsUrlSafeBase64(id))
            {
                throw Invalid($"The decoded API key's id is not {IdLength} Base64 characters, as Elasticsearch's key ids are.");
            }

            if (secret.Length < MinimumSecretLength || !IsUrlSafeBase64(secret))
            {
                throw Invalid($"The decoded API key's secret is not at least {MinimumSecretLength} Base64 characters, as Elasticsearch's key secrets are.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
            CryptographicOperations.ZeroMemory(decoded);
        }
    }

    private static bool IsUrlSafeBase64(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    private static EckRemoteClusterException Invalid(string why) => new(
        ErrorIds.InvalidApiKey,
        EckErrorCategory.InvalidArgument,
        why + " Nothing was changed.",
        "Give the 'encoded' value of a cross-cluster API key: pipe New-CrossClusterApiKey into Add-RemoteClusterCredential, "
        + "or pass its EncodedKey as -ApiKey.");
}

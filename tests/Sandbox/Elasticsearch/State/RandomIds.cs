using System.Security.Cryptography;

namespace Sandbox.Elasticsearch.State;

/// <summary>Identifiers shaped like Elasticsearch's (UUIDs.base64UUID: 20 URL-safe characters; API key secrets: 22).</summary>
public static class RandomIds
{
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static string Base64Uuid() => Random(20);

    public static string ApiKeySecret() => Random(22);

    public static string Random(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = UrlSafe[RandomNumberGenerator.GetInt32(UrlSafe.Length)];
        }

        return new string(chars);
    }
}

using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// Adds the Authorization header to each request from a SecureString, so the secret exists as plain text only while
/// one request is built rather than for the life of the connection.
/// </summary>
internal sealed class RequestCredentials : DelegatingHandler
{
    private readonly string? _userName;
    private readonly SecureString _secret;

    private RequestCredentials(string? userName, SecureString secret, HttpMessageHandler inner)
        : base(inner)
    {
        _userName = userName;
        _secret = secret;
    }

    public static RequestCredentials Basic(string userName, SecureString password, HttpMessageHandler inner) => new(userName, password, inner);

    /// <summary>An API key in its encoded form (base64 of id:api_key), as Elasticsearch's "encoded" field gives it.</summary>
    public static RequestCredentials ApiKey(SecureString encoded, HttpMessageHandler inner) => new(null, encoded, inner);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _userName is null
            ? new AuthenticationHeaderValue("ApiKey", Plain(_secret))
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_userName + ":" + Plain(_secret))));
        return base.SendAsync(request, cancellationToken);
    }

    private static string Plain(SecureString secret)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            return Marshal.PtrToStringUni(pointer, secret.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}

using System.Net.Http.Headers;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// A GET the typed client has no cheap form for (OpenAPI documents, a list read as plain JSON), sent through the
/// typed client's own HttpClient and credentials, so it takes the same retry handler, TLS settings and token.
/// </summary>
internal static class KubernetesRawGet
{
    /// <summary>The answer to GET <paramref name="relativeUrl"/> (relative to the API server's base URI); the caller disposes it.</summary>
    public static async Task<HttpResponseMessage> SendAsync(k8s.Kubernetes client, string relativeUrl, CancellationToken cancellationToken)
    {
        var baseUri = client.BaseUri.AbsoluteUri.EndsWith('/') ? client.BaseUri : new Uri(client.BaseUri.AbsoluteUri + "/");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, relativeUrl));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (client.Credentials is not null)
        {
            await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await client.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

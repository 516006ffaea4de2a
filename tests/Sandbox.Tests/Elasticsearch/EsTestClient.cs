using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>Plain HTTPS calls to a node, trusting only the given CA (as curl --cacert would).</summary>
public sealed class EsTestClient : IDisposable
{
    private readonly HttpClient _http;

    public EsTestClient(string baseUri, string username, string password, X509Certificate2 ca)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUri), Timeout = TimeSpan.FromSeconds(60) };
        Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
    }

    public AuthenticationHeaderValue? Authorization { get; set; }

    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, object? body = null, AuthenticationHeaderValue? auth = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth ?? Authorization;
        if (body is not null)
        {
            var text = body as string ?? ((JsonNode)body).ToJsonString();
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, content.Length == 0 ? null : JsonNode.Parse(content), response);
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PutAsync(string path, string json) =>
        SendAsync(HttpMethod.Put, path, json);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string json) =>
        SendAsync(HttpMethod.Post, path, json);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> DeleteAsync(string path, string json) =>
        SendAsync(HttpMethod.Delete, path, json);

    /// <summary>Polls until <paramref name="condition"/> holds (connections are established in the background).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, int timeoutMs = 60000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await probe();
            if (condition(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _http.Dispose();
}

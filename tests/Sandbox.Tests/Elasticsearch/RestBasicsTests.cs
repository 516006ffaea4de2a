using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>GET /, HEAD /, authentication, _authenticate, compatible-with media types, unknown endpoints.</summary>
[Collection(SharedEsCollection.Name)]
public class RestBasicsTests(EsFixture fixture)
{
    [Fact]
    public async Task RootDescribesTheNodeWithTheProductHeader()
    {
        using var client = fixture.LocalClient();
        var (status, body, response) = await client.GetAsync("/");
        Assert.Equal(200, status);
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-elastic-product").Single());
        Assert.Equal("node-1", (string?)body!["name"]);
        Assert.Equal("local-cluster", (string?)body["cluster_name"]);
        Assert.Equal("9.1.0", (string?)body["version"]!["number"]);
        Assert.Equal("8.19.0", (string?)body["version"]!["minimum_wire_compatibility_version"]);
        Assert.Equal("You Know, for Search", (string?)body["tagline"]);
        Assert.Equal(20, ((string?)body["cluster_uuid"])!.Length);
    }

    [Fact]
    public async Task HeadRootAnswersWithoutBody()
    {
        using var client = fixture.LocalClient(2);
        var (status, body, response) = await client.SendAsync(HttpMethod.Head, "/");
        Assert.Equal(200, status);
        Assert.Null(body);
        Assert.True(response.Headers.Contains("X-elastic-product"));
    }

    [Fact]
    public async Task MissingCredentialsAre401WithChallenges()
    {
        using var client = fixture.LocalClient();
        client.Authorization = null;
        var (status, body, response) = await client.GetAsync("/_cluster/settings");
        Assert.Equal(401, status);
        Assert.Equal("security_exception", (string?)body!["error"]!["type"]);
        Assert.Equal("missing authentication credentials for REST request [/_cluster/settings]", (string?)body["error"]!["reason"]);
        Assert.Equal(401, (int)body["status"]!);
        Assert.Contains("Basic realm=\"security\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-elastic-product").Single());
    }

    [Fact]
    public async Task WrongPasswordNamesTheUser()
    {
        using var client = fixture.LocalClient();
        client.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:nope")));
        var (status, body, _) = await client.GetAsync("/_security/_authenticate");
        Assert.Equal(401, status);
        Assert.Equal("unable to authenticate user [elastic] for REST request [/_security/_authenticate]", (string?)body!["error"]!["reason"]);
    }

    [Fact]
    public async Task AuthenticateDescribesTheReservedUser()
    {
        using var client = fixture.EckClient();
        var (status, body, _) = await client.GetAsync("/_security/_authenticate");
        Assert.Equal(200, status);
        Assert.Equal("elastic", (string?)body!["username"]);
        Assert.Equal("superuser", (string?)body["roles"]![0]);
        Assert.Equal("reserved", (string?)body["authentication_realm"]!["type"]);
        Assert.Equal("realm", (string?)body["authentication_type"]);
    }

    [Theory]
    [InlineData(9, 200)]
    [InlineData(8, 200)]
    [InlineData(7, 400)]
    public async Task CompatibleWithMediaTypeIsAcceptedAndMirrored(int major, int expected)
    {
        using var client = fixture.LocalClient();
        var mediaType = $"application/vnd.elasticsearch+json;compatible-with={major}";
        var (status, _, response) = await client.SendAsync(HttpMethod.Get, "/", configure: r => r.Headers.TryAddWithoutValidation("Accept", mediaType));
        Assert.Equal(expected, status);
        if (expected == 200)
        {
            Assert.Equal(mediaType, response.Content.Headers.ContentType!.ToString().Replace(" ", string.Empty));
        }
    }

    [Fact]
    public async Task UnknownEndpointAndWrongMethodAnswerLikeElasticsearch()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.GetAsync("/_nothing_here");
        Assert.Equal(400, status);
        Assert.Equal("no handler found for uri [/_nothing_here] and method [GET]", (string?)body!["error"]);
        (status, body, _) = await client.DeleteAsync("/_cluster/settings", "{}");
        Assert.Equal(405, status);
        Assert.StartsWith("Incorrect HTTP method for uri [/_cluster/settings] and method [DELETE], allowed:", (string?)body!["error"]);
    }
}

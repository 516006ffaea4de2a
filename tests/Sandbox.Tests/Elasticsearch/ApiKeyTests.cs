using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>Cross-cluster API keys on the ECK cluster, with the documented request bodies.</summary>
[Collection(SharedEsCollection.Name)]
public class ApiKeyTests(EsFixture fixture)
{
    private const string DocsExample = """
        {"name":"my-cc-api-key","expiration":"1d",
         "access":{"search":[{"names":["logs*"],"query":{"term":{"category":"shared"}},
                              "field_security":{"grant":["*"],"except":["private"]},"allow_restricted_indices":false}],
                   "replication":[{"names":["archive"]}]},
         "metadata":{"tag":"dev"}}
        """;

    /// <summary>The docs example without document/field level security on search, which 8.14+ refuses next to replication.</summary>
    private const string DocsExampleWithoutDls = """
        {"name":"my-cc-api-key","expiration":"1d",
         "access":{"search":[{"names":["logs*"],"allow_restricted_indices":false}],
                   "replication":[{"names":["archive"]}]},
         "metadata":{"tag":"dev"}}
        """;

    [Fact]
    public async Task TheDocsExampleIsRefusedSinceGaBecauseSearchUsesDlsNextToReplication()
    {
        using var client = fixture.EckClient();
        var (status, body, _) = await client.PostAsync("/_security/cross_cluster/api_key", DocsExample);
        Assert.Equal(400, status);
        Assert.Contains("search does not support document or field level security if replication is assigned", body!.ToJsonString());
    }

    [Fact]
    public async Task CreateReturnsIdKeyAndEncoded()
    {
        using var client = fixture.EckClient();
        var before = DateTimeOffset.UtcNow;
        var (status, body, _) = await client.PostAsync("/_security/cross_cluster/api_key", DocsExampleWithoutDls);
        Assert.Equal(200, status);
        var id = (string)body!["id"]!;
        var key = (string)body["api_key"]!;
        Assert.Equal(20, id.Length);
        Assert.Equal(22, key.Length);
        Assert.Equal("my-cc-api-key", (string?)body["name"]);
        Assert.Equal($"{id}:{key}", Encoding.UTF8.GetString(Convert.FromBase64String((string)body["encoded"]!)));
        var expiration = DateTimeOffset.FromUnixTimeMilliseconds((long)body["expiration"]!);
        Assert.InRange(expiration, before.AddDays(1).AddMinutes(-1), before.AddDays(1).AddMinutes(1));

        var (getStatus, got, _) = await client.GetAsync($"/_security/api_key?id={id}");
        Assert.Equal(200, getStatus);
        var info = got!["api_keys"]![0]!;
        Assert.Equal("cross_cluster", (string?)info["type"]);
        Assert.False((bool)info["invalidated"]!);
        Assert.Equal("elastic", (string?)info["username"]);
        Assert.Equal("dev", (string?)info["metadata"]!["tag"]);
        Assert.Equal(
            ["cross_cluster_search", "monitor_enrich", "cross_cluster_replication"],
            info["role_descriptors"]!["cross_cluster"]!["cluster"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(
            ["read", "read_cross_cluster", "view_index_metadata"],
            info["role_descriptors"]!["cross_cluster"]!["indices"]![0]!["privileges"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("archive", (string?)info["access"]!["replication"]![0]!["names"]![0]);
    }

    [Theory]
    [InlineData("""{"name":"k"}""", "Required [access]")]
    [InlineData("""{"access":{"search":[{"names":["a"]}]}}""", "Required [name]")]
    [InlineData("""{"name":"k","access":null}""", "access doesn't support values of type: VALUE_NULL")]
    [InlineData("""{"name":"k","access":{"search":[]}}""", "must specify non-empty access for either [search] or [replication]")]
    [InlineData("""{"name":"k","access":{"search":[{"names":["a"],"query":{"term":{"t":1}}}],"replication":[{"names":["a"]}]}}""", "search does not support document or field level security if replication is assigned")]
    [InlineData("""{"name":"k","access":{}}""", "must specify non-empty access for either [search] or [replication]")]
    [InlineData("""{"name":"k","access":{"replication":[{"names":["a"],"query":{"match_all":{}}}]}}""", "replication does not support document or field level security")]
    [InlineData("""{"name":"k","access":{"search":[{"names":["a"],"privileges":["read"]}]}}""", "field [privileges] must not present")]
    [InlineData("""{"name":"","access":{"search":[{"names":["a"]}]}}""", "Validation Failed: 1: api key name is required;")]
    [InlineData("""{"name":"_k","access":{"search":[{"names":["a"]}]}}""", "api key name may not begin with an underscore")]
    [InlineData("""{"name":" k","access":{"search":[{"names":["a"]}]}}""", "api key name may not begin or end with whitespace")]
    [InlineData("""{"name":"k","access":{"search":[{"names":["a"]}]},"metadata":{"_x":1}}""", "API key metadata keys may not start with [_]")]
    public async Task InvalidCreateRequestsAre400(string body, string message)
    {
        using var client = fixture.EckClient();
        var (status, error, _) = await client.PostAsync("/_security/cross_cluster/api_key", body);
        Assert.Equal(400, status);
        Assert.Contains(message, error!.ToJsonString().Replace("\\u0027", "'"));
    }

    [Fact]
    public async Task UpdateRulesFollowElasticsearch()
    {
        using var client = fixture.EckClient();
        var (_, created, _) = await client.PostAsync("/_security/cross_cluster/api_key", """{"name":"upd","access":{"search":[{"names":["logs*"]}]}}""");
        var id = (string)created!["id"]!;

        var (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{id}", "{}");
        Assert.Equal(400, status);
        Assert.Contains("must update either [access] or [metadata] for cross-cluster API keys", (string?)body!["error"]!["reason"]);

        (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{id}", """{"metadata":{"env":"prod"}}""");
        Assert.Equal(200, status);
        Assert.True((bool)body!["updated"]!);
        (_, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{id}", """{"metadata":{"env":"prod"}}""");
        Assert.False((bool)body!["updated"]!);

        (status, body, _) = await client.PutAsync("/_security/cross_cluster/api_key/doesnotexist0000000", """{"metadata":{}}""");
        Assert.Equal(404, status);
        Assert.Equal("no API key owned by requesting user found for ID [doesnotexist0000000]", (string?)body!["error"]!["reason"]);

        var (_, rest, _) = await client.PostAsync("/_security/api_key", """{"name":"a-rest-key"}""");
        (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{rest!["id"]}", """{"metadata":{}}""");
        Assert.Equal(400, status);
        Assert.Equal("cannot update API key of type [rest] while expected type is [cross_cluster]", (string?)body!["error"]!["reason"]);

        (status, body, _) = await client.PutAsync($"/_security/api_key/{id}", """{"metadata":{}}""");
        Assert.Equal(400, status);
        Assert.Equal("cannot update API key of type [cross_cluster] while expected type is [rest]", (string?)body!["error"]!["reason"]);

        await client.DeleteAsync("/_security/api_key", $$"""{"ids":["{{id}}"]}""");
        (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{id}", """{"metadata":{}}""");
        Assert.Equal(400, status);
        Assert.Equal($"cannot update invalidated API key [{id}]", (string?)body!["error"]!["reason"]);
    }

    [Fact]
    public async Task UpdateChecksInvalidatedThenExpiredThenType()
    {
        using var client = fixture.EckClient();
        var (_, restKey, _) = await client.PostAsync("/_security/api_key", """{"name":"short-rest","expiration":"1ms"}""");
        var restId = (string)restKey!["id"]!;
        var (_, ccKey, _) = await client.PostAsync("/_security/cross_cluster/api_key",
            """{"name":"short-cc","expiration":"1ms","access":{"search":[{"names":["a"]}]}}""");
        var ccId = (string)ccKey!["id"]!;
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max((long)restKey["expiration"]!, (long)ccKey["expiration"]!));
        await EsTestClient.EventuallyAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > expiry.AddMilliseconds(5));

        // Expired wins over the wrong type: a REST key sent to the cross-cluster endpoint, and the other way round.
        var (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{restId}", """{"metadata":{}}""");
        Assert.Equal(400, status);
        Assert.Equal($"cannot update expired API key [{restId}]", (string?)body!["error"]!["reason"]);
        (status, body, _) = await client.PutAsync($"/_security/api_key/{ccId}", """{"metadata":{}}""");
        Assert.Equal($"cannot update expired API key [{ccId}]", (string?)body!["error"]!["reason"]);
        (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{ccId}", """{"metadata":{}}""");
        Assert.Equal(400, status);
        Assert.Equal("illegal_argument_exception", (string?)body!["error"]!["type"]);
        Assert.Equal($"cannot update expired API key [{ccId}]", (string?)body["error"]!["reason"]);

        // An expired key can still be invalidated (the lookup keeps expired keys); then invalidated wins over expired.
        (status, body, _) = await client.DeleteAsync("/_security/api_key", $$"""{"ids":["{{ccId}}","{{restId}}"]}""");
        Assert.Equal(2, body!["invalidated_api_keys"]!.AsArray().Count);
        (status, body, _) = await client.PutAsync($"/_security/api_key/{ccId}", """{"metadata":{}}""");
        Assert.Equal($"cannot update invalidated API key [{ccId}]", (string?)body!["error"]!["reason"]);
        (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{restId}", """{"metadata":{}}""");
        Assert.Equal($"cannot update invalidated API key [{restId}]", (string?)body!["error"]!["reason"]);
    }

    [Fact]
    public async Task AnApiKeyCallerGetsOneMessageForCreateAndAnotherForUpdate()
    {
        using var client = fixture.EckClient();
        var (_, own, _) = await client.PostAsync("/_security/cross_cluster/api_key", """{"name":"cc-owned","access":{"search":[{"names":["a"]}]}}""");
        var (_, rest, _) = await client.PostAsync("/_security/api_key", """{"name":"caller-key"}""");
        var apiKeyAuth = new AuthenticationHeaderValue("ApiKey", (string)rest!["encoded"]!);

        var (status, body, _) = await client.SendAsync(HttpMethod.Post, "/_security/cross_cluster/api_key",
            """{"name":"x","access":{"search":[{"names":["a"]}]}}""", apiKeyAuth);
        Assert.Equal(400, status);
        Assert.Equal("authentication via API key not supported: An API key cannot be used to create a cross-cluster API key",
            (string?)body!["error"]!["reason"]);

        (status, body, _) = await client.SendAsync(HttpMethod.Put, $"/_security/cross_cluster/api_key/{own!["id"]}",
            """{"metadata":{"a":"b"}}""", apiKeyAuth);
        Assert.Equal(400, status);
        Assert.Equal("authentication via API key not supported: only the owner user can update an API key", (string?)body!["error"]!["reason"]);

        (status, body, _) = await client.SendAsync(HttpMethod.Put, $"/_security/api_key/{rest["id"]}", """{"metadata":{"a":"b"}}""", apiKeyAuth);
        Assert.Equal(400, status);
        Assert.Equal("authentication via API key not supported: only the owner user can update an API key", (string?)body!["error"]!["reason"]);
    }

    [Fact]
    public async Task InvalidateAndGetByName()
    {
        using var client = fixture.EckClient();
        var (_, created, _) = await client.PostAsync("/_security/cross_cluster/api_key", """{"name":"to-dc1","access":{"search":[{"names":["logs-*"]}]}}""");
        var id = (string)created!["id"]!;
        var (status, body, _) = await client.GetAsync("/_security/api_key?name=to-*");
        Assert.Equal(200, status);
        Assert.Contains(body!["api_keys"]!.AsArray(), k => (string?)k!["id"] == id);

        (status, body, _) = await client.DeleteAsync("/_security/api_key", "{}");
        Assert.Equal(400, status);
        Assert.Equal("action_request_validation_exception", (string?)body!["error"]!["type"]);

        (status, body, _) = await client.DeleteAsync("/_security/api_key", $$"""{"ids":["{{id}}"]}""");
        Assert.Equal(200, status);
        Assert.Equal(id, (string?)body!["invalidated_api_keys"]![0]);
        Assert.Equal(0, (int)body["error_count"]!);

        // The lookup filters out invalidated keys: the second invalidation finds nothing and every list is empty.
        (status, body, _) = await client.DeleteAsync("/_security/api_key", $$"""{"ids":["{{id}}"]}""");
        Assert.Equal(200, status);
        Assert.Empty(body!["invalidated_api_keys"]!.AsArray());
        Assert.Empty(body["previously_invalidated_api_keys"]!.AsArray());
        Assert.Equal(0, (int)body["error_count"]!);
        Assert.Null(body["error_details"]);

        (status, body, _) = await client.GetAsync("/_security/api_key?id=unknownunknownunknow");
        Assert.Equal(404, status);
        Assert.Empty(body!["api_keys"]!.AsArray());
    }

    [Fact]
    public async Task ApiKeyAuthenticationAndItsLimits()
    {
        using var client = fixture.EckClient();
        var (_, rest, _) = await client.PostAsync("/_security/api_key", """{"name":"rest-for-auth"}""");
        var apiKeyAuth = new AuthenticationHeaderValue("ApiKey", (string)rest!["encoded"]!);
        var (status, body, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: apiKeyAuth);
        Assert.Equal(200, status);
        Assert.Equal("api_key", (string?)body!["authentication_type"]);

        (status, body, _) = await client.SendAsync(HttpMethod.Post, "/_security/cross_cluster/api_key",
            """{"name":"x","access":{"search":[{"names":["a"]}]}}""", apiKeyAuth);
        Assert.Equal(400, status);
        Assert.Contains("authentication via API key not supported", (string?)body!["error"]!["reason"]);

        var (_, cc, _) = await client.PostAsync("/_security/cross_cluster/api_key", """{"name":"cc-on-rest","access":{"search":[{"names":["a"]}]}}""");
        (status, body, _) = await client.SendAsync(HttpMethod.Get, "/", auth: new AuthenticationHeaderValue("ApiKey", (string)cc!["encoded"]!));
        Assert.Equal(401, status);
        Assert.Contains("authentication expected API key type of [rest], but API key", body!.ToJsonString());
    }

    [Fact]
    public async Task LimitedApiKeysGet403WithTheGrantingPrivileges()
    {
        using var client = fixture.LocalClient();
        var (_, monitor, _) = await client.PostAsync("/_security/api_key", """{"name":"monitor-only","role_descriptors":{"r":{"cluster":["monitor"]}}}""");
        var monitorAuth = new AuthenticationHeaderValue("ApiKey", (string)monitor!["encoded"]!);
        var (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_remote/info", auth: monitorAuth);
        Assert.Equal(200, status);
        (status, var body, _) = await client.SendAsync(HttpMethod.Put, "/_cluster/settings", """{"persistent":{"cluster.remote.x.seeds":["h:9300"]}}""", monitorAuth);
        Assert.Equal(403, status);
        Assert.Equal(
            $"action [cluster:admin/settings/update] is unauthorized for API key id [{monitor["id"]}] of user [elastic], this action is granted by the cluster privileges [manage,all]",
            (string?)body!["error"]!["reason"]);

        // Reloading needs manage itself; without it the whole request is refused.
        (status, body, _) = await client.SendAsync(HttpMethod.Post, "/_nodes/reload_secure_settings", "{}", monitorAuth);
        Assert.Equal(403, status);
        Assert.Equal(
            $"action [cluster:admin/nodes/reload_secure_settings] is unauthorized for API key id [{monitor["id"]}] of user [elastic], this action is granted by the cluster privileges [manage,all]",
            (string?)body!["error"]!["reason"]);
    }
}

using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>The native users API and native users authenticating over HTTP with their roles' privileges.</summary>
[Collection(SharedEsCollection.Name)]
public class NativeUserTests(EsFixture fixture)
{
    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task PutGetDeleteAUser()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PutAsync("/_security/user/jacknich",
            """{"password":"l0ng-r4nd0m-p@ssw0rd","roles":["admin","other_role1"],"full_name":"Jack Nicholson","email":"jacknich@example.com","metadata":{"intelligence":7}}""");
        Assert.Equal(200, status);
        Assert.True((bool)body!["created"]!);
        (_, body, _) = await client.PutAsync("/_security/user/jacknich", """{"roles":["admin"],"full_name":"Jack"}""");
        Assert.False((bool)body!["created"]!);

        (status, body, _) = await client.GetAsync("/_security/user/jacknich");
        Assert.Equal(200, status);
        var user = body!["jacknich"]!;
        Assert.Equal("jacknich", (string?)user["username"]);
        Assert.Equal(["admin"], user["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("Jack", (string?)user["full_name"]);
        Assert.True((bool)user["enabled"]!);
        Assert.Null(user["password"]);

        // The update without a password kept the first one.
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: Basic("jacknich", "l0ng-r4nd0m-p@ssw0rd"));
        Assert.Equal(200, status);

        (status, body, _) = await client.DeleteAsync("/_security/user/jacknich", "");
        Assert.Equal(200, status);
        Assert.True((bool)body!["found"]!);
        (status, body, _) = await client.GetAsync("/_security/user/jacknich");
        Assert.Equal(404, status);
        Assert.Empty(body!.AsObject());
        (status, body, _) = await client.DeleteAsync("/_security/user/jacknich", "");
        Assert.Equal(404, status);
        Assert.False((bool)body!["found"]!);
    }

    [Theory]
    [InlineData("u1", """{"password":"secret123"}""", "action_request_validation_exception", "Validation Failed: 1: roles are missing;")]
    [InlineData("u1", """{"password":"short","roles":[]}""", "validation_exception", "Validation Failed: 1: passwords must be at least [6] characters long;")]
    [InlineData("u1", """{"roles":["r"]}""", "validation_exception", "Validation Failed: 1: password must be specified unless you are updating an existing user;")]
    [InlineData("u1", """{"password":"secret123","roles":[],"metadata":{"_x":1}}""", "action_request_validation_exception", "Validation Failed: 1: metadata keys may not start with [_];")]
    [InlineData("elastic", """{"password":"secret123","roles":["superuser"]}""", "action_request_validation_exception", "Validation Failed: 1: user [elastic] is reserved and only the password can be changed;")]
    [InlineData("u1", """{"password":"secret123","roles":[],"nickname":"x"}""", "parse_exception", "failed to parse add user request. unexpected field [nickname]")]
    public async Task InvalidUserRequestsAre400(string username, string body, string type, string reason)
    {
        using var client = fixture.LocalClient();
        var (status, error, _) = await client.PutAsync($"/_security/user/{username}", body);
        Assert.Equal(400, status);
        Assert.Equal(type, (string?)error!["error"]!["type"]);
        Assert.Equal(reason, (string?)error["error"]!["reason"]);
    }

    [Fact]
    public async Task NativeUsersAuthenticateAndHaveTheirRolesClusterPrivileges()
    {
        using var client = fixture.LocalClient();
        await client.PutAsync("/_security/role/monitor-only", """{"cluster":["monitor"]}""");
        await client.PutAsync("/_security/user/watcher", """{"password":"watcher-pass","roles":["monitor-only"]}""");
        var watcher = Basic("watcher", "watcher-pass");

        var (status, body, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: watcher);
        Assert.Equal(200, status);
        Assert.Equal("watcher", (string?)body!["username"]);
        Assert.Equal("default_native", (string?)body["authentication_realm"]!["name"]);
        Assert.Equal("native", (string?)body["authentication_realm"]!["type"]);

        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_remote/info", auth: watcher);
        Assert.Equal(200, status);
        (status, body, _) = await client.SendAsync(HttpMethod.Put, "/_cluster/settings", """{"persistent":{"cluster.remote.w.seeds":["h:9300"]}}""", watcher);
        Assert.Equal(403, status);
        Assert.Equal(
            "action [cluster:admin/settings/update] is unauthorized for user [watcher] with effective roles [monitor-only], this action is granted by the cluster privileges [manage,all]",
            (string?)body!["error"]!["reason"]);

        (status, body, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: Basic("watcher", "wrong-pass"));
        Assert.Equal(401, status);
        Assert.Equal("unable to authenticate user [watcher] for REST request [/_security/_authenticate]", (string?)body!["error"]!["reason"]);

        await client.PutAsync("/_security/user/watcher/_disable", "");
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: watcher);
        Assert.Equal(401, status);
        await client.PutAsync("/_security/user/watcher/_enable", "");
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: watcher);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task AUserChangesItsOwnPasswordButNotAnotherOnes()
    {
        using var client = fixture.LocalClient();
        await client.PutAsync("/_security/user/carol", """{"password":"carol-pass-1","roles":[]}""");
        await client.PutAsync("/_security/user/dave", """{"password":"dave-pass-1","roles":[]}""");

        var (status, _, _) = await client.SendAsync(HttpMethod.Post, "/_security/user/_password", """{"password":"carol-pass-2"}""", Basic("carol", "carol-pass-1"));
        Assert.Equal(200, status);
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: Basic("carol", "carol-pass-2"));
        Assert.Equal(200, status);

        (status, var body, _) = await client.SendAsync(HttpMethod.Post, "/_security/user/dave/_password", """{"password":"taken-over"}""", Basic("carol", "carol-pass-2"));
        Assert.Equal(403, status);
        Assert.StartsWith("action [cluster:admin/xpack/security/user/change_password] is unauthorized for user [carol]", (string?)body!["error"]!["reason"]);

        // An administrator may.
        (status, _, _) = await client.PostAsync("/_security/user/dave/_password", """{"password":"dave-pass-2"}""");
        Assert.Equal(200, status);
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/_security/_authenticate", auth: Basic("dave", "dave-pass-2"));
        Assert.Equal(200, status);
        (status, body, _) = await client.PostAsync("/_security/user/nobody/_password", """{"password":"whatever1"}""");
        Assert.Equal(400, status);
        Assert.Equal("Validation Failed: 1: user must exist in order to change password;", (string?)body!["error"]!["reason"]);
    }
}

/// <summary>A fresh pair of clusters for a native user searching through an API-key remote.</summary>
public sealed class NativeUserRemoteFixture : EsFixture
{
}

/// <summary>
/// A native user's remote_indices on the local cluster decide what it may search through an API-key remote: the remote
/// answers the intersection with the key's access, and a user without remote_indices for the alias is refused locally.
/// </summary>
public class NativeUserRemoteSearchTests(NativeUserRemoteFixture fixture) : IClassFixture<NativeUserRemoteFixture>
{
    [Fact]
    public async Task TheUsersRemoteIndicesAndTheKeysAccessBothApply()
    {
        using var eck = fixture.EckClient();
        using var local = fixture.LocalClient();
        await eck.PutAsync("/logs-app/_doc/1?refresh=true", """{"message":"app"}""");
        await eck.PutAsync("/logs-web/_doc/1?refresh=true", """{"message":"web"}""");
        await eck.PutAsync("/secret/_doc/1?refresh=true", """{"message":"secret"}""");
        var encoded = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "to-local");
        foreach (var node in fixture.Local.InstalledNodes)
        {
            RemoteClusterProcedure.WriteCaFile(node.ConfigDir, fixture.Eck.TransportCaPem);
            RemoteClusterProcedure.AddRemoteClusterClientSettings(node.ConfigDir);
            RemoteClusterProcedure.AddKeystoreEntry(node, "cluster.remote.eck1.credentials", encoded);
        }

        await RemoteClusterProcedure.RestartAllAsync(fixture);
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "eck1", RemoteClusterProcedure.ExposedAddress(fixture), fixture.Eck.ServerName);

        await local.PutAsync("/_security/role/remote-app-reader",
            """{"remote_indices":[{"clusters":["eck*"],"names":["logs-app"],"privileges":["read","read_cross_cluster","view_index_metadata"]}]}""");
        await local.PutAsync("/_security/role/local-only", """{"cluster":["monitor"],"indices":[{"names":["*"],"privileges":["read"]}]}""");
        await local.PutAsync("/_security/user/alice", """{"password":"alice-pass","roles":["remote-app-reader"]}""");
        await local.PutAsync("/_security/user/bob", """{"password":"bob-pass","roles":["local-only"]}""");
        var alice = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:alice-pass")));
        var bob = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:bob-pass")));

        // The superuser sees everything the key allows; alice only what her role allows too.
        var (status, result, _) = await local.GetAsync("/eck1:logs-*/_search");
        Assert.Equal(200, status);
        Assert.Equal(2, (int)result!["hits"]!["total"]!["value"]!);
        (status, result, _) = await local.SendAsync(HttpMethod.Get, "/eck1:logs-*/_search", auth: alice);
        Assert.Equal(200, status);
        Assert.Equal(1, (int)result!["hits"]!["total"]!["value"]!);
        Assert.Equal("eck1:logs-app", (string?)result["hits"]!["hits"]![0]!["_index"]);

        (status, result, _) = await local.SendAsync(HttpMethod.Get, "/eck1:logs-web/_search", auth: alice);
        Assert.Equal(403, status);
        Assert.Contains("towards remote cluster is unauthorized for user [alice] with assigned roles [remote-app-reader] authenticated by API key id [",
            (string?)result!["error"]!["reason"]);
        Assert.EndsWith("on indices [logs-web], this action is granted by the index privileges [read,all]", (string?)result["error"]!["reason"]);

        (status, result, _) = await local.SendAsync(HttpMethod.Get, "/eck1:logs-*/_search", auth: bob);
        Assert.Equal(403, status);
        Assert.Equal(
            "action [indices:data/read/search] towards remote cluster [eck1] is unauthorized for user [bob] with effective roles [local-only] because no remote indices privileges apply for the target cluster",
            (string?)result!["error"]!["reason"]);
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// The receiving side of a remote connection on one node: the transport port (mutual TLS, the certificate model; the
/// client's certificate must chain to the transport CAs) or the remote cluster server port (server TLS only; every message
/// must carry a valid cross_cluster API key, which also bounds what the caller may read).
/// </summary>
public sealed class RemoteServerSession(EsNode node, bool remoteClusterServerPort)
{
    public const string MissingCredentials =
        "Cross cluster requests through the dedicated remote cluster server port require transport header " +
        "[_cross_cluster_access_credentials] but none found. Please ensure you have configured remote cluster credentials on the " +
        "cluster originating the request.";

    public async Task ServeAsync(SslStream ssl, X509Certificate2? clientCertificate, X509Certificate2Collection presented, string channel, CancellationToken cancellationToken)
    {
        if (!remoteClusterServerPort)
        {
            var failure = PeerCertificateVerifier.Verify(
                clientCertificate, presented, node.Config.TransportTrust, node.Config.TransportVerificationMode, "remote client", peerIsServer: false);
            if (failure is not null)
            {
                // This node's transport rejects the client's certificate: the trust manager's diagnostic and the handshake
                // failure go to its log; the client only receives the alert.
                const string transportLogger = "org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport";
                if (clientCertificate is not null)
                {
                    node.Logs.Warn("org.elasticsearch.xpack.core.ssl.SSLService", failure.Diagnostic);
                }

                var handshake = new LoggedException("javax.net.ssl.SSLHandshakeException", failure.Exception.Reason,
                    PeerCertificateVerifier.RootCause(failure.Exception.Reason));
                node.Logs.Warn(transportLogger, $"exception caught on transport layer [{channel}], closing connection",
                    new LoggedException("io.netty.handler.codec.DecoderException", $"{handshake.JavaType}: {handshake.Message}", handshake));
                var alert = clientCertificate is null ? "bad_certificate" : "certificate_unknown";
                await WireFrames.WriteAsync(ssl, new JsonObject { ["alert"] = alert }, cancellationToken);
                return;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await WireFrames.ReadAsync(ssl, cancellationToken);
            if (request is null)
            {
                return;
            }

            if (request["alert"] is not null)
            {
                // The client refused this node's certificate (the JDK's certificate_unknown alert): SecurityTransportExceptionHandler.
                node.Logs.Warn("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                    $"client did not trust this server's certificate, closing connection {channel}");
                return;
            }

            JsonObject answer;
            try
            {
                answer = new JsonObject { ["response"] = Handle(request) };
            }
            catch (EsException e)
            {
                answer = new JsonObject { ["error"] = e.ToCauseJson(), ["status"] = e.Status };
            }

            answer["node"] = node.Name;

            await WireFrames.WriteAsync(ssl, answer, cancellationToken);
        }
    }

    private JsonNode Handle(JsonObject request)
    {
        var action = request["action"]?.GetValue<string>() ?? string.Empty;
        var state = node.Cluster.State;
        ApiKey? key = null;
        if (remoteClusterServerPort)
        {
            key = AuthenticateCrossClusterKey(request["credentials"]?.GetValue<string>(), action, state);
        }
        else if (action == TransportActions.RemoteClusterHandshake)
        {
            throw EsException.Security(401, $"missing authentication credentials for action [{action}]");
        }

        return action switch
        {
            TransportActions.TcpHandshake or TransportActions.RemoteClusterHandshake => new JsonObject
            {
                ["cluster_name"] = state.ClusterName,
                ["cluster_uuid"] = state.ClusterUuid,
                ["node_name"] = node.Name,
                ["version"] = state.Version.ToString(),
            },
            TransportActions.Search => Search(request, key, state),
            TransportActions.ResolveCluster => ResolveCluster(request, key, state),
            TransportActions.ClusterState => new JsonObject
            {
                ["nodes"] = new JsonArray([.. node.Cluster.Nodes.Select(n => (JsonNode)n.TransportPublishAddress)]),
            },
            _ => throw new EsException(400, "action_not_found_transport_exception", $"No handler for action [{action}]"),
        };
    }

    /// <summary>
    /// CrossClusterAccessAuthenticationService: a missing header fails while extracting credentials; a key the API key
    /// service rejects fails with that service's own message, not wrapped in "unable to authenticate user"
    /// (ApiKeyCredentials' "invalid cross-cluster API key value", ApiKeyService's "unable to find apikey with id",
    /// "api key [id] has been invalidated", "api key is expired"; the type check's message for a REST key).
    /// </summary>
    private static ApiKey AuthenticateCrossClusterKey(string? credentials, string action, ClusterState state)
    {
        if (string.IsNullOrEmpty(credentials))
        {
            throw new EsException(401, "security_exception", "failed to extract credentials from headers",
                new EsException(400, "illegal_argument_exception", MissingCredentials));
        }

        var (id, key) = state.ApiKeys.Authenticate(credentials);
        var now = DateTimeOffset.UtcNow;
        var secretLength = SecretLength(credentials);
        var problem = id is null ? "cross cluster access header [_cross_cluster_access_credentials] value must be a valid API key credential"
            : secretLength is not null && secretLength != 22 ? "invalid cross-cluster API key value"
            : key is null ? (state.ApiKeys.Find(id) is null ? $"unable to find apikey with id {id}" : $"invalid credentials for API key [{id}]")
            : key.Invalidated ? $"api key [{id}] has been invalidated"
            : key.IsExpired(now) ? "api key is expired"
            : null;
        if (problem is not null)
        {
            throw EsException.Security(401, problem);
        }

        if (key!.Type != "cross_cluster")
        {
            throw EsException.Security(
                401, $"authentication expected API key type of [cross_cluster], but API key [{key.Id}] has type [{key.Type}]");
        }

        return key;
    }

    /// <summary>The secret's length in an encoded id:secret credential (cross-cluster secrets are 22 characters).</summary>
    private static int? SecretLength(string credentials)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(credentials));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 1 ? null : text.Length - colon - 1;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonNode Search(JsonObject request, ApiKey? key, ClusterState state)
    {
        var expression = request["index"]?.GetValue<string>() ?? "*";
        var mayRead = Authorize(expression, key, TransportActions.Search, request);
        return LocalSearch.Execute(state, expression, request["body"] as JsonObject, mayRead);
    }

    private static JsonNode ResolveCluster(JsonObject request, ApiKey? key, ClusterState state)
    {
        var expression = request["index"]?.GetValue<string>() ?? "*";
        var mayRead = Authorize(expression, key, TransportActions.ResolveCluster);
        var matching = state.Documents.Resolve(expression).Any(i => mayRead?.Invoke(i) ?? true);
        return new JsonObject { ["matching_indices"] = matching };
    }

    /// <summary>
    /// The key's search access decides: a concrete index outside it is refused, a wildcard only sees what it covers.
    /// Returns the filter for wildcard resolution (null: everything, the certificate model trusts the local cluster).
    /// </summary>
    private static Func<string, bool>? Authorize(string expression, ApiKey? key, string action, JsonObject? request = null)
    {
        if (key is null)
        {
            return null;
        }

        var patterns = (key.Access?["search"] as JsonArray ?? [])
            .SelectMany(entry => entry?["names"] as JsonArray ?? [])
            .Select(n => DocumentStore.WildcardPattern(n!.GetValue<string>()))
            .ToList();

        // A local user's remote_indices, when the local cluster sent them: what the user may read is the intersection of
        // the key's access and the user's privileges (the role descriptors intersection of the cross-cluster access subject).
        var userPatterns = (request?["remote_indices"] as JsonArray)?.Select(n => DocumentStore.WildcardPattern(n!.GetValue<string>())).ToList();
        bool MayRead(string index) => patterns.Any(p => p.IsMatch(index)) && (userPatterns is null || userPatterns.Any(p => p.IsMatch(index)));
        if (userPatterns is not null && request?["user"]?.GetValue<string>() is { } user)
        {
            var roles = string.Join(",", (request["roles"] as JsonArray ?? []).Select(r => r!.GetValue<string>()));
            var refusedForUser = expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(part => !part.Contains('*') && !MayRead(part))
                .ToList();
            if (refusedForUser.Count > 0)
            {
                throw EsException.Security(403,
                    $"action [{action}] towards remote cluster is unauthorized for user [{user}] with assigned roles [{roles}] authenticated by " +
                    $"API key id [{key.Id}] of user [{key.Username}] on indices [{string.Join(", ", refusedForUser)}], this action is granted by the index privileges [read,all]");
            }
        }

        var refused = expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => !part.Contains('*') && !MayRead(part))
            .ToList();
        if (refused.Count > 0 || patterns.Count == 0)
        {
            throw EsException.Security(
                403,
                $"action [{action}] towards remote cluster is unauthorized for API key id [{key.Id}] of user [{key.Username}] " +
                $"on indices [{string.Join(", ", refused.Count > 0 ? refused : [expression])}], this action is granted by the index privileges [read,all]");
        }

        return MayRead;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using EckRemoteCluster.Engine.Eck;

namespace EckRemoteCluster.Engine.Diagnosis;

/// <summary>
/// Turns what Elasticsearch said about a remote cluster into a cause and a fix. One table row per cause (some causes
/// have a row for the message and one for _remote/info facts), tried in order: the rows that name a precise failure
/// come before the generic "could not connect" ones, because ES often reports both for one problem.
/// </summary>
public static class RemoteConnectionDiagnostician
{
    private const int RemoteClusterPort = EckNames.RemoteClusterPort;
    private const int HttpPort = EckNames.HttpPort;

    // EckNames has no transport port yet; ES's default transport port, used only to recognise it in proxy_address.
    private const int TransportPort = 9300;

    private static readonly string RemoteClusterServiceName = EckNames.RemoteClusterService("<name>");
    private static readonly string CaSecret = EckNames.TransportCertsPublicSecret("<name>");

    private static readonly Regex SslContextPattern = Pattern(@"this ssl context \(\[([^\]]+)\]\)");

    private static readonly Regex SansPattern = Pattern(@"subject alternative names \[([^\]]*)\]");

    private static readonly DiagnosisRule[] Table =
    [
        new(RemoteConnectionCause.ReloadUnauthorized,
            Pattern(@"action \[cluster:admin/xpack/security/remote_cluster_credentials/reload\] is unauthorized"),
            null,
            f => "The user who reloaded secure settings may not reload remote cluster credentials, so the new keystore entry is not in use.",
            f => "Reload as a user with the manage_security (or all) cluster privilege: Add-RemoteClusterCredential -Connection <that user's connection> -ConfigPath <every node>, "
                 + "or restart the nodes with Restart-ElasticsearchNode. By hand: POST /_nodes/reload_secure_settings as that user."),

        new(RemoteConnectionCause.RestApiKeyUsed,
            Pattern(@"expected API key type of \[cross_cluster\], but API key \[[^\]]*\] has type \[rest\]"),
            null,
            f => $"The credential for [{f.Alias}] is a REST API key; the remote cluster server accepts only cross-cluster API keys.",
            f => $"Create a cross-cluster key and store it on every node: New-CrossClusterApiKey -Alias {f.Alias} | Add-RemoteClusterCredential -ConfigPath <every node> -Connection <local>. "
                 + "By hand: on the remote (ECK) cluster create a key with POST /_security/cross_cluster/api_key (not /_security/api_key), "
                 + $"then store its 'encoded' value as cluster.remote.{f.Alias}.credentials in the keystore of every local node and reload secure settings."),

        new(RemoteConnectionCause.RestApiKeyUsed,
            null,
            (e, _) => e.Connected != true && e.RemoteKey?.State == RemoteKeyState.RestType,
            f => $"The credential for [{f.Alias}] is a REST API key ([{f.Evidence.RemoteKey!.Id}] on the remote); the remote cluster server accepts only cross-cluster API keys.",
            f => $"Create a cross-cluster key and store it on every node: New-CrossClusterApiKey -Alias {f.Alias} | Add-RemoteClusterCredential -ConfigPath <every node> -Connection <local>.",
            [EvidenceSource.RemoteKey, EvidenceSource.Keystore],
            e => $"on the remote, API key [{e.RemoteKey!.Id}] {e.RemoteKey.Detail}"),

        new(RemoteConnectionCause.CredentialMissing,
            Pattern(@"require transport header \[_cross_cluster_access_credentials\] but none found"),
            null,
            f => $"The local node connected to the remote cluster server port without a credential for [{f.Alias}].",
            CredentialAction),

        new(RemoteConnectionCause.CredentialMissing,
            TrustFailure(),
            // Without a credential ES connects with the transport TLS settings, so a trust failure then is about the
            // missing credential, not the CA, whether or not the message names the TLS context.
            (e, message) => SslContext(message) == "xpack.security.transport.ssl"
                ? PortOf(e) == RemoteClusterPort || (e.HasClusterCredentials == false && PortOf(e) != TransportPort)
                : SslContext(message) is null && IsProxy(e) && e.HasClusterCredentials == false && PortOf(e) != TransportPort,
            f => $"The local node has no credential for [{f.Alias}], so it used the transport TLS settings (xpack.security.transport.ssl) "
                 + "against the remote cluster server port, whose certificate they do not trust.",
            CredentialAction),

        new(RemoteConnectionCause.CredentialMissing,
            null,
            (e, _) => e.Connected != true && e.Keystores is { Count: > 0 } k && k.All(n => !n.Present)
                      && PortOf(e) != TransportPort && e.Handshake?.Outcome != HandshakeOutcome.AsksForClientCertificate,
            f => $"No local node's keystore holds cluster.remote.{f.Alias}.credentials, so the nodes connect without an API key.",
            CredentialAction,
            [EvidenceSource.Keystore],
            e => $"keystores without cluster.remote.{e.Alias}.credentials: {string.Join(", ", e.Keystores!.Select(k => k.ConfigPath))}"),

        // Certificate model: the remote's transport port checked the local node's certificate and does not trust its CA.
        // Only the transport port asks for a client certificate, and with an API key the node presents none (bad_certificate).
        // The local node logs the alert it receives as SecurityTransportExceptionHandler words it for certificate_unknown
        // ("client did not trust this server's certificate"), on its outbound channel to the proxy address.
        new(RemoteConnectionCause.LocalCaNotTrustedByRemote,
            Pattern(@"Received fatal alert: certificate_unknown|client did not trust this server's certificate"),
            (e, message) => message is null || !message.Contains("remoteAddress=", StringComparison.Ordinal) || OutboundTo(e, message),
            f => $"The remote's transport port rejected the local node's certificate for [{f.Alias}]: the ECK cluster does not trust the local cluster's transport CA.",
            f => "Give the ECK cluster the local transport CA: Get-ElasticsearchTransportCa -ConfigPath <node config> | Add-EckTransportTrust -Name <name> -Namespace <ns> -Wait "
                 + "(a ConfigMap with key ca.crt named by spec.transport.tls.certificateAuthorities.configMapName)."),

        new(RemoteConnectionCause.ApiKeyWrongPort,
            Pattern(@"Received fatal alert: bad_certificate|Empty client certificate chain|missing authentication credentials for action \[cluster:internal/remote_cluster/handshake\]"),
            null,
            f => $"[{f.Alias}] uses an API key but its address reaches the transport port ({TransportPort}), which expects the certificate model.",
            f => $"Point the remote at the remote cluster server: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias}. "
                 + $"By hand: PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.proxy_address\":\"{f.HostOr("<address>")}:{RemoteClusterPort}\"}}}} "
                 + $"(ECK Service {RemoteClusterServiceName}, port {RemoteClusterPort}, exposed e.g. with spec.remoteClusterServer.service)."),

        new(RemoteConnectionCause.ApiKeyWrongPort,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.AsksForClientCertificate
                      && (e.HasClusterCredentials == true || e.Keystores?.Any(k => k.Present) == true),
            f => $"[{f.Alias}] uses an API key but its address reaches a transport port, which asks for a client certificate (the certificate model).",
            f => $"Point the remote at the remote cluster server: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias} "
                 + $"(or set cluster.remote.{f.Alias}.proxy_address to {f.HostOr("<address>")}:{RemoteClusterPort})."),

        new(RemoteConnectionCause.PointedAtHttpPort,
            Pattern(@"received HTTP response on transport port"),
            null,
            f => $"The address of [{f.Alias}] reaches an HTTP port ({HttpPort}), not a transport or remote cluster server port.",
            HttpPortAction),

        new(RemoteConnectionCause.TlsTerminatedInBetween,
            Pattern(@"received plaintext traffic on an encrypted channel|Unsupported or unrecognized SSL message"),
            null,
            f => "TLS is terminated or stripped between the clusters (a load balancer, ingress or proxy speaking plain TCP or its own TLS on one side).",
            f => "Expose port 9443 with a TCP (layer 4) pass-through load balancer that does not terminate TLS: Publish-EckRemoteClusterServer -Type LoadBalancer; by hand "
                 + "spec.remoteClusterServer.service.spec.type: LoadBalancer on the ECK cluster; Elasticsearch needs end-to-end TLS between the nodes."),

        // Java's hostname check fails before (and instead of) the chain check's message when only the name is wrong.
        new(RemoteConnectionCause.ServerNameMismatch,
            Pattern(@"No subject alternative (DNS )?names? matching|does not match the hostname|certificate does not match"),
            null,
            f => $"The certificate the remote presented does not carry the server name [{f.Alias}] asked for"
                 + (SubjectAltNames(f.Message) is { } sans ? $" (it carries [{sans}])" : string.Empty) + ".",
            ServerNameAction),

        new(RemoteConnectionCause.RemoteCaNotTrusted,
            TrustFailure(),
            null,
            f => "The local node does not trust the certificate the remote presented"
                 + (SubjectAltNames(f.Message) is { } sans ? $" (subject alternative names [{sans}])" : string.Empty)
                 + ": its CA is not configured, or the ECK CA was rotated.",
            RemoteCaAction),

        new(RemoteConnectionCause.ServerNameMismatch,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.NameMismatch,
            f => $"The certificate the remote presents does not carry the server name [{f.Evidence.ServerName}] that [{f.Alias}] sends.",
            ServerNameAction,
            [EvidenceSource.Handshake],
            e => e.Handshake!.Describe()),

        new(RemoteConnectionCause.RemoteCaNotTrusted,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.Untrusted
                      && !(e.Keystores is { Count: > 0 } k && k.All(n => !n.Present)),
            f => "The local nodes' CA files do not trust the certificate the remote presents: the ECK CA is not configured, or was rotated.",
            RemoteCaAction,
            [EvidenceSource.Handshake],
            e => e.Handshake!.Describe()),

        new(RemoteConnectionCause.ApiKeyInvalid,
            // The handshake fails when the key is bad at connect time; once connected, each action fails the same way.
            // CrossClusterAccessAuthenticationService passes the API key service's reason on unwrapped.
            Pattern(@"unable to authenticate user \[[^\]]*\] for action \[[^\]]*\]|unable to find apikey with id|api key \[[^\]]*\] has been invalidated|api key is expired|invalid cross-cluster API key value|invalid credentials for API key"),
            null,
            f => $"The remote rejected the cross-cluster API key stored for [{f.Alias}]: " + (f.Evidence.RemoteKey is { State: not RemoteKeyState.Active } key
                ? $"key [{key.Id}] {key.Detail}."
                : "it expired, was invalidated, does not exist there, or is not the whole 'encoded' value."),
            ApiKeyAction),

        new(RemoteConnectionCause.ApiKeyInvalid,
            null,
            (e, _) => e.Connected != true && e.RemoteKey?.State is RemoteKeyState.Missing or RemoteKeyState.Invalidated or RemoteKeyState.Expired,
            f => $"The key the keystores hold for [{f.Alias}] cannot authenticate: key [{f.Evidence.RemoteKey!.Id}] {f.Evidence.RemoteKey.Detail}.",
            ApiKeyAction,
            [EvidenceSource.RemoteKey, EvidenceSource.Keystore],
            e => $"on the remote, API key [{e.RemoteKey!.Id}] {e.RemoteKey.Detail}"),

        new(RemoteConnectionCause.LoadBalancerMixesClusters,
            Pattern(@"unexpected remote cluster name|does not match (the )?expected remote cluster name"),
            null,
            f => $"The address of [{f.Alias}] reaches nodes of more than one cluster.",
            f => "Give each remote cluster its own Service/load balancer (Publish-EckRemoteClusterServer creates one per cluster) whose selector matches only that cluster's pods "
                 + "(elasticsearch.k8s.elastic.co/cluster-name: <name>), such as ECK's " + RemoteClusterServiceName + " Service."),

        new(RemoteConnectionCause.UnauthorizedIndices,
            Pattern(@"action \[indices:[^\]]*\] towards remote cluster( \[[^\]]*\])? is unauthorized"),
            null,
            f => "The remote refused the request: the cross-cluster API key's access or the local user's remote_indices do not cover these indices.",
            f => $"Widen the key's access (Update-CrossClusterApiKey -SearchIndex …) and/or the local role (Set-RemoteClusterRole -Alias {f.Alias} -Index …). By hand: "
                 + "PUT /_security/cross_cluster/api_key/<id> with access.search names and/or the local role's "
                 + $"remote_indices (clusters [\"{f.Alias}\"], privileges read, read_cross_cluster, view_index_metadata); each can only narrow the other."),

        new(RemoteConnectionCause.AliasNotRegistered,
            Pattern(@"no such remote cluster: \[(?<alias>[^\]]*)\]"),
            null,
            f => $"No remote cluster named [{f.Match?.Groups["alias"].Value ?? f.Alias}] is registered on the local cluster (or it was registered a moment ago and is not connected yet).",
            AliasAction),

        new(RemoteConnectionCause.PointedAtHttpPort,
            null,
            (e, _) => IsProxy(e) && PortOf(e) == HttpPort,
            f => $"proxy_address [{f.Evidence.ProxyAddress}] uses the HTTP port {HttpPort}.",
            HttpPortAction),

        new(RemoteConnectionCause.SniffModeAgainstEck,
            Pattern(@"Unable to open any connections to remote cluster"),
            null,
            f => $"[{f.Alias}] uses sniff mode, which connects to the node addresses the remote publishes: pod IPs that are not reachable from outside Kubernetes.",
            SniffAction),

        new(RemoteConnectionCause.SniffModeAgainstEck,
            null,
            (e, _) => string.Equals(e.Mode, "sniff", StringComparison.OrdinalIgnoreCase) && e.Connected != true,
            f => $"[{f.Alias}] uses sniff mode and is not connected; an ECK cluster's nodes publish pod addresses that outside nodes cannot reach.",
            SniffAction),

        new(RemoteConnectionCause.RemoteClusterServerDisabled,
            null,
            (e, _) => e.Connected != true && e.RemoteClusterServerEnabled == false && PortOf(e) != TransportPort,
            f => "The remote cluster has no remote cluster server: remote_cluster_server.enabled is false there, so nothing serves port 9443.",
            f => "Enable it: Get-EckCluster -Name <name> -Namespace <ns> | Enable-EckRemoteClusterServer -Wait, then Publish-EckRemoteClusterServer "
                 + $"and Connect-RemoteCluster -Alias {f.Alias} with the endpoint it returns (or set spec.remoteClusterServer.enabled: true with kubectl).",
            [EvidenceSource.RemoteSettings],
            e => "remote_cluster_server.enabled: false on the remote"),

        // Netty's SslHandler gave up: the address accepted the TCP connection and never answered the ClientHello.
        new(RemoteConnectionCause.RemoteUnreachable,
            Pattern(@"handshake timed out after \d+ ?ms"),
            null,
            f => $"[{f.Evidence.ProxyAddress ?? f.Alias}] accepts connections but never answers the TLS handshake: a load balancer without a healthy backend, or something in the path that holds the connection.",
            UnansweredAction),

        new(RemoteConnectionCause.RemoteUnreachable,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.Silent,
            f => $"[{f.Evidence.ProxyAddress}] accepts connections but never answers the TLS handshake.",
            UnansweredAction,
            [EvidenceSource.Handshake],
            e => e.Handshake!.Describe()),

        new(RemoteConnectionCause.ProxyUnreachable,
            Pattern(@"Unable to open any proxy connections to cluster \[[^\]]*\] at address \[(?<address>[^\]]*)\]"),
            // A no_seed_node_left_exception says only that no socket came up: a TLS failure gives the same. Without the
            // node logs, only a handshake from this machine that got no answer tells that nothing is listening.
            (e, _) => e.Handshake is null or { Outcome: HandshakeOutcome.Refused or HandshakeOutcome.Unreachable }
                      && !(e.LogEntries ?? []).Any(l => l.Logger.Contains("SSLService", StringComparison.Ordinal) || l.Message.Contains("closing connection", StringComparison.Ordinal)),
            f => $"Nothing answered at [{f.Match?.Groups["address"].Value}]: the remote cluster server is not enabled or not exposed, or host or port is wrong.",
            f => $"Enable and publish the remote cluster server and register its address: Get-EckCluster -Name <name> -Namespace <ns> | Enable-EckRemoteClusterServer -Wait | "
                 + $"Publish-EckRemoteClusterServer -Type LoadBalancer | Connect-RemoteCluster -Connection <local> -Alias {f.Alias}. "
                 + $"By hand: on the ECK cluster set spec.remoteClusterServer.enabled: true and expose Service {RemoteClusterServiceName} (port {RemoteClusterPort}), e.g. "
                 + "spec.remoteClusterServer.service: { spec: { type: LoadBalancer } }; then check from every local node that "
                 + $"[{f.Match?.Groups["address"].Value}] is reachable (firewall, DNS) and that proxy_address uses that address and port."),

        new(RemoteConnectionCause.ProxyUnreachable,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.Refused,
            f => $"Nothing listens at [{f.Evidence.ProxyAddress}]: the remote cluster server is not enabled or not exposed there, or host or port is wrong.",
            f => $"Publish the remote cluster server and register its address: Get-EckCluster -Name <name> -Namespace <ns> | Publish-EckRemoteClusterServer -Type LoadBalancer | "
                 + $"Connect-RemoteCluster -Connection <local> -Alias {f.Alias}; check from every local node that the address is reachable (firewall, DNS).",
            [EvidenceSource.Handshake],
            e => e.Handshake!.Describe()),

        new(RemoteConnectionCause.RemoteUnreachable,
            null,
            (e, _) => e.Connected != true && e.Handshake?.Outcome == HandshakeOutcome.Unreachable,
            f => $"[{f.Evidence.ProxyAddress}] does not answer.",
            f => $"Check the network path from every local node to [{f.Evidence.ProxyAddress}] (firewall, load balancer health, DNS); "
                 + $"Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> shows the address ECK publishes.",
            [EvidenceSource.Handshake],
            e => e.Handshake!.Describe()),

        new(RemoteConnectionCause.RemoteUnreachable,
            // Not every ConnectTransportException: "handshake failed because connection reset" follows any TLS failure
            // (the transport closed the channel) and names no cause by itself.
            Pattern(@"unable to communicate with remote cluster \[[^\]]*\]|connect_timeout\[|Connection refused|connection timed out"),
            null,
            f => $"The remote [{f.Alias}] did not answer in time.",
            f => $"Check the network path from every local node to [{f.Evidence.ProxyAddress ?? "the remote address"}] (firewall, load balancer health; Get-EckRemoteClusterEndpoint shows what ECK publishes); "
                 + $"with cluster.remote.{f.Alias}.skip_unavailable: false every search that includes it fails while it is down."),

        new(RemoteConnectionCause.AliasNotRegistered,
            null,
            (e, _) => e.Registered == false,
            f => $"[{f.Alias}] is not in GET /_remote/info: the local cluster has no remote cluster with that alias.",
            AliasAction),

        new(RemoteConnectionCause.ApiKeyWrongPort,
            null,
            (e, _) => IsProxy(e) && e.HasClusterCredentials == true && PortOf(e) == TransportPort,
            f => $"[{f.Alias}] has an API-key credential but proxy_address [{f.Evidence.ProxyAddress}] uses the transport port {TransportPort}.",
            f => $"Set cluster.remote.{f.Alias}.proxy_address to {f.HostOr("<address>")}:{RemoteClusterPort}, the remote cluster server port."),

        new(RemoteConnectionCause.CredentialMissing,
            null,
            (e, _) => IsProxy(e) && e.HasClusterCredentials == false && PortOf(e) == RemoteClusterPort && e.Connected != true,
            f => $"[{f.Alias}] targets the remote cluster server port but _remote/info shows no cluster_credentials for it.",
            CredentialAction),

        new(RemoteConnectionCause.CredentialDiffersBetweenNodes,
            null,
            (e, _) => e.Keystores is { } k && k.Where(n => n.Present).Select(n => n.KeyId).Distinct().Count() > 1,
            f => $"The nodes' keystores hold different API keys for [{f.Alias}], so nodes connect (or fail) differently.",
            f => $"Write one key to every node: Get-CrossClusterApiKey -Connection <remote> -Alias {f.Alias} shows the keys; New-CrossClusterApiKey -Alias {f.Alias} | "
                 + "Add-RemoteClusterCredential -ConfigPath <every node> -Connection <local> writes the same one everywhere and reloads.",
            [EvidenceSource.Keystore],
            e => "key ids per node: " + string.Join(", ", e.Keystores!.Select(k => $"{k.ConfigPath}={k.KeyId ?? "(none)"}"))),
    ];

    /// <summary>The first matching cause, or Unknown.</summary>
    /// <remarks>The table ends with the keystores' disagreement: it explains a failure only when nothing more precise does.</remarks>
    public static RemoteConnectionDiagnosis Diagnose(RemoteConnectionEvidence evidence) =>
        DiagnoseAll(evidence).FirstOrDefault() ?? Unknown(evidence);

    /// <summary>Every matching cause, most specific first, one diagnosis per cause.</summary>
    public static IReadOnlyList<RemoteConnectionDiagnosis> DiagnoseAll(RemoteConnectionEvidence evidence)
    {
        var results = new List<RemoteConnectionDiagnosis>();
        foreach (var rule in Table)
        {
            if (results.Any(r => r.Cause == rule.Cause))
            {
                continue;
            }

            var diagnosis = rule.TryMatch(evidence);
            if (diagnosis is not null)
            {
                results.Add(diagnosis);
            }
        }

        return results;
    }

    private static RemoteConnectionDiagnosis Unknown(RemoteConnectionEvidence evidence) => new(
        RemoteConnectionCause.Unknown,
        "Elasticsearch's answer does not match a known remote-cluster failure.",
        UnknownEvidence(evidence),
        "Read the full error in the logs of the local nodes and of the ECK cluster's pods (kubectl logs <name>-es-<nodeset>-0), "
        + "and compare the setup with GET /_remote/info and GET /_resolve/cluster/<alias>:*.");

    /// <summary>What was seen when no row matched: the REST messages and what the nodes logged about the attempt, else the facts.</summary>
    private static string UnknownEvidence(RemoteConnectionEvidence evidence)
    {
        var seen = evidence.Messages
            .Concat((evidence.LogEntries ?? []).Take(3).Select(entry => entry.Quote(entry.Texts().Last())))
            .ToList();
        return seen.Count > 0 ? string.Join(" | ", seen) : DiagnosisFacts.Describe(evidence);
    }

    private static string UnansweredAction(DiagnosisFacts f) =>
        $"Check what answers at [{f.Evidence.ProxyAddress ?? "the remote address"}]: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> shows the address ECK publishes "
        + $"(Publish-EckRemoteClusterServer -Type LoadBalancer | Connect-RemoteCluster -Connection <local> -Alias {f.Alias} registers it); for a load balancer of your own, "
        + "check that its backends are the ECK pods' port 9443 and that they are healthy, and that it passes TCP through without terminating TLS.";

    private static string CredentialAction(DiagnosisFacts f) =>
        $"Store the cross-cluster API key on every node and reload: New-CrossClusterApiKey -Alias {f.Alias} | Add-RemoteClusterCredential -ConfigPath <every node> -Connection <local> "
        + $"(the alias must match the registered one exactly). By hand: bin/elasticsearch-keystore add cluster.remote.{f.Alias}.credentials on every node, then POST /_nodes/reload_secure_settings.";

    private static string ApiKeyAction(DiagnosisFacts f) =>
        $"Create a new key and replace it on every node: New-CrossClusterApiKey -Alias {f.Alias} | Add-RemoteClusterCredential -ConfigPath <every node> -Connection <local> "
        + "(Get-CrossClusterApiKey -IncludeInvalidated shows the old key's state). By hand: POST /_security/cross_cluster/api_key on the remote, "
        + $"cluster.remote.{f.Alias}.credentials on every node, POST /_nodes/reload_secure_settings.";

    private static string ServerNameAction(DiagnosisFacts f) =>
        $"Register the remote with the server name in its certificate: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias} "
        + $"(for ECK, {RemoteClusterServiceName}.<namespace>.svc). By hand: set cluster.remote.{f.Alias}.server_name.";

    private static string RemoteCaAction(DiagnosisFacts f) =>
        SslContext(f.Message) == "xpack.security.transport.ssl" || (SslContext(f.Message) is null && f.Evidence.HasClusterCredentials == false && PortOf(f.Evidence) != RemoteClusterPort)
            ? "Trust the ECK transport CA on every node (certificate model): Get-EckTransportCa -Name <name> -Namespace <ns> | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath <every node>, "
              + "then restart the nodes it reports RestartRequired for, one at a time. By hand: add the ECK transport CA "
              + $"(secret {CaSecret}, key {EckNames.CaKey}) to xpack.security.transport.ssl.certificate_authorities, or to the PKCS#12 truststore, on every node."
            : "Trust the ECK CA on every node: Get-EckTransportCa -Name <name> -Namespace <ns> | Add-RemoteClusterTrust -ConfigPath <every node>, then restart the nodes it reports "
              + "RestartRequired for, one at a time (a new CA in a file already listed is picked up without restart). "
              + $"By hand: kubectl get secret {CaSecret} -o go-template='{{{{index .data \"{EckNames.CaKey}\" | base64decode}}}}' into a file listed in "
              + "xpack.security.remote_cluster_client.ssl.certificate_authorities. If TLS is terminated by a load balancer, trust that component's CA instead.";

    /// <summary>Whether a logged channel is this node's outbound connection to the remote's proxy address (remoteAddress is it).</summary>
    private static bool OutboundTo(RemoteConnectionEvidence e, string message)
    {
        var port = PortOf(e);
        return port is not null && Regex.IsMatch(message, $@"remoteAddress=[^,}}]*:{port}[,}}]", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string HttpPortAction(DiagnosisFacts f) =>
        $"Register the remote cluster server's endpoint: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias}. By hand: set cluster.remote.{f.Alias}.proxy_address to {f.HostOr("<address>")}:{RemoteClusterPort} (API-key model, Service {RemoteClusterServiceName}) "
        + $"or :{TransportPort} (certificate model), not the HTTP port {HttpPort}.";

    private static string SniffAction(DiagnosisFacts f) =>
        $"Switch to proxy mode: Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias} (it clears the sniff settings). By hand, in one request: PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.mode\":\"proxy\","
        + $"\"cluster.remote.{f.Alias}.seeds\":null,\"cluster.remote.{f.Alias}.proxy_address\":\"<load balancer address>:{RemoteClusterPort}\"}}}}.";

    private static string AliasAction(DiagnosisFacts f) =>
        $"Check the alias spelling with Get-RemoteCluster; register it with Get-EckRemoteClusterEndpoint -Name <name> -Namespace <ns> | Connect-RemoteCluster -Connection <local> -Alias {f.Alias}. By hand: PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.mode\":\"proxy\","
        + $"\"cluster.remote.{f.Alias}.proxy_address\":\"<address>:{RemoteClusterPort}\"}}}}; if it was registered just now, retry after a few seconds.";

    private static bool IsProxy(RemoteConnectionEvidence e) => string.Equals(e.Mode, "proxy", StringComparison.OrdinalIgnoreCase);

    private static int? PortOf(RemoteConnectionEvidence e)
    {
        string? address = e.ProxyAddress;
        int colon = address?.LastIndexOf(':') ?? -1;
        return colon >= 0 && int.TryParse(address![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) ? port : null;
    }

    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>ES's SslDiagnostics text, or the JDK's own when ES adds none.</summary>
    private static Regex TrustFailure() =>
        Pattern(@"failed to establish trust with server|PKIX path building failed|unable to find valid certification path");

    /// <summary>The settings prefix ES names in a trust failure: which TLS configuration did the rejecting.</summary>
    private static string? SslContext(string? message) =>
        message is not null && SslContextPattern.Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    private static string? SubjectAltNames(string? message) =>
        message is not null && SansPattern.Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>A text Elasticsearch produced, where it was seen and how it is quoted.</summary>
    private sealed record Observation(string Text, string Shown, string Basis);

    /// <summary>The REST messages, then every line of what the nodes logged during the last connection attempt.</summary>
    private static IEnumerable<Observation> Observations(RemoteConnectionEvidence evidence)
    {
        foreach (string message in evidence.Messages)
        {
            yield return new Observation(message, message, EvidenceSource.Response);
        }

        foreach (var entry in evidence.LogEntries ?? [])
        {
            foreach (var text in entry.Texts())
            {
                yield return new Observation(text, entry.Quote(text), EvidenceSource.NodeLog);
            }
        }
    }

    private sealed record DiagnosisRule(
        RemoteConnectionCause Cause,
        Regex? Message,
        Func<RemoteConnectionEvidence, string?, bool>? When,
        Func<DiagnosisFacts, string> Summary,
        Func<DiagnosisFacts, string> Action,
        string[]? FactBasis = null,
        Func<RemoteConnectionEvidence, string>? Shown = null)
    {
        public RemoteConnectionDiagnosis? TryMatch(RemoteConnectionEvidence evidence)
        {
            if (Message is null)
            {
                return When!(evidence, null)
                    ? Build(evidence, null, null, Shown?.Invoke(evidence) ?? DiagnosisFacts.Describe(evidence), FactBasis ?? [EvidenceSource.RemoteInfo])
                    : null;
            }

            foreach (var observation in Observations(evidence))
            {
                var match = Message.Match(observation.Text);
                if (match.Success && (When is null || When(evidence, observation.Text)))
                {
                    return Build(evidence, match, observation.Text, observation.Shown, [observation.Basis, .. FactBasis ?? []]);
                }
            }

            return null;
        }

        private RemoteConnectionDiagnosis Build(RemoteConnectionEvidence evidence, Match? match, string? message, string shown, string[] basis)
        {
            var facts = new DiagnosisFacts(evidence, match, message);
            var corroboration = Corroboration(evidence, Cause);
            if (corroboration is { } extra && shown.Contains(extra.Text, StringComparison.Ordinal))
            {
                corroboration = null;
                basis = [.. basis, extra.Basis];
            }

            return new RemoteConnectionDiagnosis(Cause, Summary(facts), corroboration is null ? shown : $"{shown} | {corroboration.Value.Text}", Action(facts))
            {
                Basis = corroboration is null ? [.. basis.Distinct()] : [.. basis.Append(corroboration.Value.Basis).Distinct()],
            };
        }
    }

    /// <summary>Other evidence that agrees with a cause found in a message: the handshake seen from this machine, the key's state.</summary>
    private static (string Text, string Basis)? Corroboration(RemoteConnectionEvidence e, RemoteConnectionCause cause)
    {
        var handshake = e.Handshake?.Outcome;
        return cause switch
        {
            RemoteConnectionCause.RemoteCaNotTrusted when handshake == HandshakeOutcome.Untrusted => (e.Handshake!.Describe(), EvidenceSource.Handshake),
            RemoteConnectionCause.ServerNameMismatch when handshake == HandshakeOutcome.NameMismatch => (e.Handshake!.Describe(), EvidenceSource.Handshake),
            RemoteConnectionCause.ApiKeyWrongPort when handshake == HandshakeOutcome.AsksForClientCertificate => (e.Handshake!.Describe(), EvidenceSource.Handshake),
            RemoteConnectionCause.ProxyUnreachable or RemoteConnectionCause.RemoteClusterServerDisabled
                when handshake is HandshakeOutcome.Refused or HandshakeOutcome.Unreachable => (e.Handshake!.Describe(), EvidenceSource.Handshake),
            RemoteConnectionCause.RemoteUnreachable
                when handshake is HandshakeOutcome.Silent or HandshakeOutcome.Unreachable => (e.Handshake!.Describe(), EvidenceSource.Handshake),
            RemoteConnectionCause.ApiKeyInvalid or RemoteConnectionCause.RestApiKeyUsed
                when e.RemoteKey is { State: not RemoteKeyState.Active } key => ($"on the remote, API key [{key.Id}] {key.Detail}", EvidenceSource.RemoteKey),
            RemoteConnectionCause.CredentialMissing when e.Keystores is { Count: > 0 } keystores && keystores.Any(k => !k.Present) =>
                ($"keystores without cluster.remote.{e.Alias}.credentials: {string.Join(", ", keystores.Where(k => !k.Present).Select(k => k.ConfigPath))}", EvidenceSource.Keystore),
            _ => null,
        };
    }

    private sealed record DiagnosisFacts(RemoteConnectionEvidence Evidence, Match? Match, string? Message)
    {
        public string Alias => string.IsNullOrEmpty(Evidence.Alias) ? "<alias>" : Evidence.Alias;

        public string HostOr(string fallback)
        {
            string? address = Evidence.ProxyAddress;
            int colon = address?.LastIndexOf(':') ?? -1;
            return colon > 0 ? address![..colon] : fallback;
        }

        public static string Describe(RemoteConnectionEvidence e) =>
            $"_remote/info: registered={Show(e.Registered)}, connected={Show(e.Connected)}, mode={e.Mode ?? "?"}, "
            + $"proxy_address={e.ProxyAddress ?? "?"}, cluster_credentials={(e.HasClusterCredentials is null ? "?" : e.HasClusterCredentials.Value ? "present" : "absent")}";

        private static string Show(bool? value) => value is null ? "?" : value.Value ? "true" : "false";
    }
}

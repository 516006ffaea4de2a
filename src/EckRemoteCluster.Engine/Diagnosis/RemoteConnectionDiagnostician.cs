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
            f => "Run POST /_nodes/reload_secure_settings as a user with the manage_security (or all) cluster privilege, or restart the local nodes."),

        new(RemoteConnectionCause.RestApiKeyUsed,
            Pattern(@"expected API key type of \[cross_cluster\], but API key \[[^\]]*\] has type \[rest\]"),
            null,
            f => $"The credential for [{f.Alias}] is a REST API key; the remote cluster server accepts only cross-cluster API keys.",
            f => "On the remote (ECK) cluster create a key with POST /_security/cross_cluster/api_key (not /_security/api_key), "
                 + $"then store its 'encoded' value as cluster.remote.{f.Alias}.credentials in the keystore of every local node and reload secure settings."),

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

        // Certificate model: the remote's transport port checked the local node's certificate and does not trust its CA.
        // Only the transport port asks for a client certificate, and with an API key the node presents none (bad_certificate).
        new(RemoteConnectionCause.LocalCaNotTrustedByRemote,
            Pattern(@"Received fatal alert: certificate_unknown"),
            null,
            f => $"The remote's transport port rejected the local node's certificate for [{f.Alias}]: the ECK cluster does not trust the local cluster's transport CA.",
            f => "Give the ECK cluster the local transport CA: Get-ElasticsearchTransportCa -ConfigPath <node config> | Add-EckTransportTrust -Name <name> -Namespace <ns> -Wait "
                 + "(a ConfigMap with key ca.crt named by spec.transport.tls.certificateAuthorities.configMapName)."),

        new(RemoteConnectionCause.ApiKeyWrongPort,
            Pattern(@"Received fatal alert: bad_certificate|Empty client certificate chain|missing authentication credentials for action \[cluster:internal/remote_cluster/handshake\]"),
            null,
            f => $"[{f.Alias}] uses an API key but its address reaches the transport port ({TransportPort}), which expects the certificate model.",
            f => $"Point the remote at the remote cluster server port: PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.proxy_address\":\"{f.HostOr("<address>")}:{RemoteClusterPort}\"}}}} "
                 + $"(ECK Service {RemoteClusterServiceName}, port {RemoteClusterPort}, exposed e.g. with spec.remoteClusterServer.service)."),

        new(RemoteConnectionCause.PointedAtHttpPort,
            Pattern(@"received HTTP response on transport port"),
            null,
            f => $"The address of [{f.Alias}] reaches an HTTP port ({HttpPort}), not a transport or remote cluster server port.",
            HttpPortAction),

        new(RemoteConnectionCause.TlsTerminatedInBetween,
            Pattern(@"received plaintext traffic on an encrypted channel|Unsupported or unrecognized SSL message"),
            null,
            f => "TLS is terminated or stripped between the clusters (a load balancer, ingress or proxy speaking plain TCP or its own TLS on one side).",
            f => "Expose port 9443 with a TCP (layer 4) pass-through load balancer that does not terminate TLS, e.g. "
                 + "spec.remoteClusterServer.service.spec.type: LoadBalancer on the ECK cluster; Elasticsearch needs end-to-end TLS between the nodes."),

        // Java's hostname check fails before (and instead of) the chain check's message when only the name is wrong.
        new(RemoteConnectionCause.ServerNameMismatch,
            Pattern(@"No subject alternative (DNS )?names? matching|does not match the hostname|certificate does not match"),
            null,
            f => $"The certificate the remote presented does not carry the server name [{f.Alias}] asked for"
                 + (SubjectAltNames(f.Message) is { } sans ? $" (it carries [{sans}])" : string.Empty) + ".",
            f => $"Set cluster.remote.{f.Alias}.server_name to a name in the remote's certificate: for ECK, {RemoteClusterServiceName}.<namespace>.svc "
                 + "(Get-EckRemoteClusterEndpoint returns it as ServerName)."),

        new(RemoteConnectionCause.RemoteCaNotTrusted,
            TrustFailure(),
            null,
            f => "The local node does not trust the certificate the remote presented"
                 + (SubjectAltNames(f.Message) is { } sans ? $" (subject alternative names [{sans}])" : string.Empty)
                 + ": its CA is not configured, or the ECK CA was rotated.",
            f => SslContext(f.Message) == "xpack.security.transport.ssl" || (SslContext(f.Message) is null && f.Evidence.HasClusterCredentials == false && PortOf(f.Evidence) != RemoteClusterPort)
                ? $"Add the ECK transport CA (secret {CaSecret}, key {EckNames.CaKey}) to xpack.security.transport.ssl.certificate_authorities, or to the PKCS#12 truststore, "
                  + "on every local node (certificate model): Get-EckTransportCa | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath <every node>."
                : $"Save the ECK CA: kubectl get secret {CaSecret} -o go-template='{{{{index .data \"{EckNames.CaKey}\" | base64decode}}}}' > remote-cluster-ca.crt; "
                  + "copy it into the config directory of every local node and list it in xpack.security.remote_cluster_client.ssl.certificate_authorities in elasticsearch.yml "
                  + "(a restart is needed when the setting is added; a new CA in a file already listed is picked up within 5 seconds). "
                  + "If TLS is terminated by a load balancer or ingress, trust that component's CA instead."),

        new(RemoteConnectionCause.ApiKeyInvalid,
            // The handshake fails when the key is bad at connect time; once connected, each action fails the same way.
            Pattern(@"unable to authenticate user \[[^\]]*\] for action \[[^\]]*\]"),
            null,
            f => $"The remote rejected the cross-cluster API key stored for [{f.Alias}]: it expired, was invalidated, or is not the whole 'encoded' value.",
            f => "On the remote check the key (GET /_security/api_key?name=<name>); if it is expired or invalidated create a new one with "
                 + $"POST /_security/cross_cluster/api_key and replace cluster.remote.{f.Alias}.credentials on every local node with its 'encoded' value, "
                 + "then POST /_nodes/reload_secure_settings."),

        new(RemoteConnectionCause.LoadBalancerMixesClusters,
            Pattern(@"unexpected remote cluster name|does not match (the )?expected remote cluster name"),
            null,
            f => $"The address of [{f.Alias}] reaches nodes of more than one cluster.",
            f => "Give each remote cluster its own Service/load balancer whose selector matches only that cluster's pods "
                 + "(elasticsearch.k8s.elastic.co/cluster-name: <name>), such as ECK's " + RemoteClusterServiceName + " Service."),

        new(RemoteConnectionCause.UnauthorizedIndices,
            Pattern(@"action \[indices:[^\]]*\] towards remote cluster( \[[^\]]*\])? is unauthorized"),
            null,
            f => "The remote refused the request: the cross-cluster API key's access or the local user's remote_indices do not cover these indices.",
            f => "Widen the key's access on the remote (PUT /_security/cross_cluster/api_key/<id> with access.search names) and/or the local role's "
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

        new(RemoteConnectionCause.ProxyUnreachable,
            Pattern(@"Unable to open any proxy connections to cluster \[[^\]]*\] at address \[(?<address>[^\]]*)\]"),
            null,
            f => $"Nothing answered at [{f.Match?.Groups["address"].Value}]: the remote cluster server is not enabled or not exposed, or host or port is wrong.",
            f => $"On the ECK cluster set spec.remoteClusterServer.enabled: true and expose Service {RemoteClusterServiceName} (port {RemoteClusterPort}), e.g. "
                 + "spec.remoteClusterServer.service: { spec: { type: LoadBalancer } }; then check from every local node that "
                 + $"[{f.Match?.Groups["address"].Value}] is reachable (firewall, DNS) and that proxy_address uses that address and port."),

        new(RemoteConnectionCause.RemoteUnreachable,
            Pattern(@"unable to communicate with remote cluster \[[^\]]*\]|connect_timeout\[|ConnectTransportException|Connection refused|connection timed out"),
            null,
            f => $"The remote [{f.Alias}] did not answer in time.",
            f => $"Check the network path from every local node to [{f.Evidence.ProxyAddress ?? "the remote address"}] (firewall, load balancer health); "
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
    ];

    /// <summary>The first matching cause, or Unknown.</summary>
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
        evidence.Messages.Count > 0 ? string.Join(" | ", evidence.Messages) : DiagnosisFacts.Describe(evidence),
        "Read the full error in the logs of the local nodes and of the ECK cluster's pods (kubectl logs <name>-es-<nodeset>-0), "
        + "and compare the setup with GET /_remote/info and GET /_resolve/cluster/<alias>:*.");

    private static string CredentialAction(DiagnosisFacts f) =>
        $"On every local node run bin/elasticsearch-keystore add cluster.remote.{f.Alias}.credentials with the cross-cluster API key's 'encoded' value "
        + "(the alias must match the registered one exactly), then POST /_nodes/reload_secure_settings or restart the node.";

    private static string HttpPortAction(DiagnosisFacts f) =>
        $"Set cluster.remote.{f.Alias}.proxy_address to {f.HostOr("<address>")}:{RemoteClusterPort} (API-key model, Service {RemoteClusterServiceName}) "
        + $"or :{TransportPort} (certificate model), not the HTTP port {HttpPort}.";

    private static string SniffAction(DiagnosisFacts f) =>
        $"Switch to proxy mode in one request: PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.mode\":\"proxy\","
        + $"\"cluster.remote.{f.Alias}.seeds\":null,\"cluster.remote.{f.Alias}.proxy_address\":\"<load balancer address>:{RemoteClusterPort}\"}}}}.";

    private static string AliasAction(DiagnosisFacts f) =>
        $"Check the alias spelling against GET /_remote/info; register it with PUT /_cluster/settings {{\"persistent\":{{\"cluster.remote.{f.Alias}.mode\":\"proxy\","
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

    private sealed record DiagnosisRule(
        string Cause,
        Regex? Message,
        Func<RemoteConnectionEvidence, string?, bool>? When,
        Func<DiagnosisFacts, string> Summary,
        Func<DiagnosisFacts, string> Action)
    {
        public RemoteConnectionDiagnosis? TryMatch(RemoteConnectionEvidence evidence)
        {
            if (Message is null)
            {
                return When!(evidence, null) ? Build(evidence, null, null, DiagnosisFacts.Describe(evidence)) : null;
            }

            foreach (string message in evidence.Messages)
            {
                var match = Message.Match(message);
                if (match.Success && (When is null || When(evidence, message)))
                {
                    return Build(evidence, match, message, message);
                }
            }

            return null;
        }

        private RemoteConnectionDiagnosis Build(RemoteConnectionEvidence evidence, Match? match, string? message, string shown)
        {
            var facts = new DiagnosisFacts(evidence, match, message);
            return new RemoteConnectionDiagnosis(Cause, Summary(facts), shown, Action(facts));
        }
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

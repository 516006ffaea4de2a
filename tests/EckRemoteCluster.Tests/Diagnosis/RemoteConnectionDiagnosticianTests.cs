using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Tests.Diagnosis;

public class RemoteConnectionDiagnosticianTests
{
    private static RemoteConnectionEvidence Said(params string[] messages) => new()
    {
        Alias = "eck1",
        Messages = messages,
        Registered = true,
        Mode = "proxy",
        ProxyAddress = "203.0.113.10:9443",
        HasClusterCredentials = true,
    };

    /// <summary>Full texts as Elasticsearch returns them (in _resolve/cluster errors, search failures or reload results).</summary>
    public static TheoryData<RemoteConnectionCause, string> RealMessages() => new()
    {
        {
            RemoteConnectionCause.AliasNotRegistered,
            "no such remote cluster: [eck1]"
        },
        {
            RemoteConnectionCause.LocalCaNotTrustedByRemote,
            "Received fatal alert: certificate_unknown"
        },
        {
            RemoteConnectionCause.ProxyUnreachable,
            "Unable to open any proxy connections to cluster [eck1] at address [203.0.113.10:9443]"
        },
        {
            RemoteConnectionCause.ApiKeyInvalid,
            "unable to authenticate user [lDjDlECwGlR6OBClGmht] for action [indices:data/read/search]"
        },
        {
            RemoteConnectionCause.ServerNameMismatch,
            "No subject alternative DNS name matching wrong.example.com found."
        },
        {
            RemoteConnectionCause.SniffModeAgainstEck,
            "Unable to open any connections to remote cluster [eck1]"
        },
        {
            RemoteConnectionCause.LoadBalancerMixesClusters,
            "[other-es-default-1][10.1.2.3:9443] handshake failed. unexpected remote cluster name Cluster [other]"
        },
        {
            RemoteConnectionCause.RemoteCaNotTrusted,
            "failed to establish trust with server at [203.0.113.10]; the server provided a certificate with subject name "
            + "[CN=quickstart-es-default-0.node.quickstart.default.es.local,OU=quickstart], fingerprint [3bebe388a66362784afd6c51a9000961a4e10050], "
            + "keyUsage [digitalSignature, keyEncipherment] and extendedKeyUsage [serverAuth, clientAuth]; the session uses cipher suite "
            + "[TLS_AES_256_GCM_SHA384] and protocol [TLSv1.3]; the certificate has subject alternative names "
            + "[DNS:quickstart-es-remote-cluster.default.svc,DNS:quickstart-es-default-0.quickstart-es-default.default.svc]; the certificate is issued by "
            + "[CN=quickstart-transport,OU=quickstart]; the certificate is signed by (subject [CN=quickstart-transport,OU=quickstart] fingerprint "
            + "[b095bf2526be20783e1f26dfd69c7aae910e3663]) which is self-issued; the [CN=quickstart-transport,OU=quickstart] certificate is not trusted "
            + "in this ssl context ([xpack.security.remote_cluster_client.ssl])"
        },
        {
            RemoteConnectionCause.RemoteCaNotTrusted,
            "sun.security.validator.ValidatorException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
            + "unable to find valid certification path to requested target"
        },
        {
            RemoteConnectionCause.ApiKeyWrongPort,
            "javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate"
        },
        {
            RemoteConnectionCause.ApiKeyWrongPort,
            "missing authentication credentials for action [cluster:internal/remote_cluster/handshake]"
        },
        {
            RemoteConnectionCause.CredentialMissing,
            "Cross cluster requests through the dedicated remote cluster server port require transport header "
            + "[_cross_cluster_access_credentials] but none found. Please ensure you have configured remote cluster credentials on the cluster "
            + "originating the request."
        },
        {
            RemoteConnectionCause.RestApiKeyUsed,
            "authentication expected API key type of [cross_cluster], but API key [VuaCfGcBCdbkQm-e5aOx] has type [rest]"
        },
        {
            RemoteConnectionCause.ApiKeyInvalid,
            "unable to authenticate user [VuaCfGcBCdbkQm-e5aOx] for action [cluster:internal/remote_cluster/handshake]"
        },
        {
            RemoteConnectionCause.UnauthorizedIndices,
            "action [indices:data/read/search] towards remote cluster is unauthorized for user [analyst] with assigned roles [logs_reader] "
            + "authenticated by API key id [VuaCfGcBCdbkQm-e5aOx] of user [elastic-admin] on indices [secret-logs], this action is granted by "
            + "the index privileges [read,all]"
        },
        {
            RemoteConnectionCause.ReloadUnauthorized,
            "action [cluster:admin/xpack/security/remote_cluster_credentials/reload] is unauthorized for user [ops] with effective roles "
            + "[monitoring_user], this action is granted by the cluster privileges [manage_security,all]"
        },
        {
            RemoteConnectionCause.TlsTerminatedInBetween,
            "received plaintext traffic on an encrypted channel, closing connection Netty4TcpChannel{localAddress=/10.0.0.5:9443, remoteAddress=/10.0.0.9:51022}"
        },
        {
            RemoteConnectionCause.TlsTerminatedInBetween,
            "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message"
        },
        {
            RemoteConnectionCause.PointedAtHttpPort,
            "received HTTP response on transport port, ensure that transport port (not HTTP port) of a remote node is specified in the configuration"
        },
        {
            RemoteConnectionCause.RemoteUnreachable,
            "unable to communicate with remote cluster [eck1]: [connect_timeout[30s]]"
        },
    };

    [Theory]
    [MemberData(nameof(RealMessages))]
    public void Diagnose_RecognisesEachRealMessage(RemoteConnectionCause cause, string message)
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(Said(message));

        Assert.Equal(cause, diagnosis.Cause);
        Assert.Equal(message, diagnosis.Evidence);
        Assert.False(string.IsNullOrWhiteSpace(diagnosis.Summary));
        Assert.False(string.IsNullOrWhiteSpace(diagnosis.RecommendedAction));
    }

    [Fact]
    public void TrustFailureInTransportContextOnPort9443_IsAMissingCredential()
    {
        const string message = "failed to establish trust with server at [203.0.113.10]; the server provided a certificate with subject name "
            + "[CN=quickstart-es-default-0.node.quickstart.default.es.local,OU=quickstart], fingerprint [3bebe388a66362784afd6c51a9000961a4e10050]; "
            + "the certificate is issued by [CN=quickstart-transport,OU=quickstart]; this ssl context ([xpack.security.transport.ssl]) is not "
            + "configured to trust that issuer, it only trusts the issuer [CN=Elastic Certificate Tool Autogenerated CA]";

        var diagnosis = RemoteConnectionDiagnostician.Diagnose(Said(message) with { HasClusterCredentials = false });

        Assert.Equal(RemoteConnectionCause.CredentialMissing, diagnosis.Cause);
        Assert.Contains("bin/elasticsearch-keystore add cluster.remote.eck1.credentials", diagnosis.RecommendedAction);
        Assert.Contains("reload_secure_settings", diagnosis.RecommendedAction);
    }

    [Fact]
    public void TrustFailureInTransportContextOnPort9300_IsTheCertificateModelCa()
    {
        const string message = "failed to establish trust with server at [203.0.113.10]; the certificate is issued by [CN=quickstart-transport]; "
            + "this ssl context ([xpack.security.transport.ssl]) is not configured to trust that issuer or any other issuer";

        var diagnosis = RemoteConnectionDiagnostician.Diagnose(Said(message) with { ProxyAddress = "203.0.113.10:9300", HasClusterCredentials = null });

        Assert.Equal(RemoteConnectionCause.RemoteCaNotTrusted, diagnosis.Cause);
        Assert.Contains("xpack.security.transport.ssl.certificate_authorities", diagnosis.RecommendedAction);
    }

    [Fact]
    public void RemoteCaNotTrusted_NamesTheCertificatesSansAndTheClientSetting()
    {
        string message = RealMessages().Select(row => (string)row[1]).First(m => m.Contains("remote_cluster_client.ssl])"));

        var diagnosis = RemoteConnectionDiagnostician.Diagnose(Said(message));

        Assert.Contains("DNS:quickstart-es-remote-cluster.default.svc", diagnosis.Summary);
        Assert.Contains("xpack.security.remote_cluster_client.ssl.certificate_authorities", diagnosis.RecommendedAction);
        Assert.Contains("kubectl get secret <name>-es-transport-certs-public", diagnosis.RecommendedAction);
        Assert.Contains("{{index .data \"ca.crt\" | base64decode}}", diagnosis.RecommendedAction);
    }

    [Fact]
    public void SpecificCauseWins_OverTheGenericConnectFailureReportedWithIt()
    {
        var evidence = Said(
            "unable to communicate with remote cluster [eck1]",
            "unable to authenticate user [VuaCfGcBCdbkQm-e5aOx] for action [cluster:internal/remote_cluster/handshake]");

        Assert.Equal(RemoteConnectionCause.ApiKeyInvalid, RemoteConnectionDiagnostician.Diagnose(evidence).Cause);
        Assert.Equal(
            [RemoteConnectionCause.ApiKeyInvalid, RemoteConnectionCause.RemoteUnreachable],
            RemoteConnectionDiagnostician.DiagnoseAll(evidence).Select(d => d.Cause));
    }

    [Fact]
    public void ProxyUnreachable_QuotesTheAddressAndTellsHowToExposeIt()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(
            Said("Unable to open any proxy connections to cluster [eck1] at address [203.0.113.10:9443]"));

        Assert.Contains("[203.0.113.10:9443]", diagnosis.Summary);
        Assert.Contains("spec.remoteClusterServer.enabled: true", diagnosis.RecommendedAction);
        Assert.Contains("<name>-es-remote-cluster", diagnosis.RecommendedAction);
    }

    [Fact]
    public void ApiKeyWrongPort_SuggestsTheSameHostOn9443()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(
            Said("Received fatal alert: bad_certificate") with { ProxyAddress = "eck.example.com:9300" });

        Assert.Contains("cluster.remote.eck1.proxy_address\":\"eck.example.com:9443", diagnosis.RecommendedAction);
    }

    public static TheoryData<RemoteConnectionCause, RemoteConnectionEvidence> FactsOnly() => new()
    {
        { RemoteConnectionCause.AliasNotRegistered, new() { Alias = "eck1", Registered = false } },
        { RemoteConnectionCause.SniffModeAgainstEck, new() { Alias = "eck1", Registered = true, Mode = "sniff", Connected = false } },
        { RemoteConnectionCause.PointedAtHttpPort, new() { Alias = "eck1", Registered = true, Mode = "proxy", ProxyAddress = "10.0.0.5:9200" } },
        { RemoteConnectionCause.ApiKeyWrongPort, new() { Alias = "eck1", Mode = "proxy", ProxyAddress = "10.0.0.5:9300", HasClusterCredentials = true } },
        { RemoteConnectionCause.CredentialMissing, new() { Alias = "eck1", Mode = "proxy", ProxyAddress = "[2001:db8::1]:9443", HasClusterCredentials = false, Connected = false } },
    };

    [Theory]
    [MemberData(nameof(FactsOnly))]
    public void Diagnose_FromRemoteInfoFactsAlone(RemoteConnectionCause cause, RemoteConnectionEvidence evidence)
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(evidence);

        Assert.Equal(cause, diagnosis.Cause);
        Assert.StartsWith("_remote/info:", diagnosis.Evidence);
    }

    [Fact]
    public void HealthyRemote_IsNotMisdiagnosed()
    {
        var evidence = new RemoteConnectionEvidence
        {
            Alias = "eck1", Registered = true, Connected = true, Mode = "proxy", ProxyAddress = "203.0.113.10:9443", HasClusterCredentials = true,
        };

        Assert.Empty(RemoteConnectionDiagnostician.DiagnoseAll(evidence));
        Assert.Equal(RemoteConnectionCause.Unknown, RemoteConnectionDiagnostician.Diagnose(evidence).Cause);
    }

    [Fact]
    public void UnknownMessage_IsUnknown_KeepingTheMessageAsEvidence()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(Said("index_not_found_exception: no such index [foo]"));

        Assert.Equal(RemoteConnectionCause.Unknown, diagnosis.Cause);
        Assert.Contains("no such index [foo]", diagnosis.Evidence);
    }

    [Fact]
    public void NullMessages_AreTreatedAsNone()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(new RemoteConnectionEvidence { Alias = "eck1", Messages = null!, Registered = false });
        Assert.Equal(RemoteConnectionCause.AliasNotRegistered, diagnosis.Cause);
    }

    [Fact]
    public void EveryCauseCode_HasARow()
    {
        var codes = Enum.GetValues<RemoteConnectionCause>().ToHashSet();
        var covered = RealMessages().Select(row => (RemoteConnectionCause)row[0]).ToHashSet();
        covered.UnionWith(EvidenceDiagnosisTests.Cases().Select(row => (RemoteConnectionCause)row[0]));
        covered.Add(RemoteConnectionCause.Unknown);

        Assert.Empty(codes.Except(covered));
    }

    [Fact]
    public void TrustFailureWithoutACredentialIsTheMissingCredential()
    {
        var evidence = Said("PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target")
            with { HasClusterCredentials = false };
        Assert.Equal(RemoteConnectionCause.CredentialMissing, RemoteConnectionDiagnostician.Diagnose(evidence).Cause);
    }

    [Fact]
    public void TrustFailureWithACredentialIsTheCa()
    {
        var evidence = Said("PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target");
        Assert.Equal(RemoteConnectionCause.RemoteCaNotTrusted, RemoteConnectionDiagnostician.Diagnose(evidence).Cause);
    }
}

using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Tests.Diagnosis;

/// <summary>
/// Causes read from what a real admin machine can see when REST says only "not connected": the nodes' logs, the
/// keystores, the key on the remote, the remote's settings and a TLS handshake from this machine.
/// </summary>
public class EvidenceDiagnosisTests
{
    private const string NoSeed = "Unable to open any proxy connections to cluster [eck1] at address [203.0.113.10:9443]";

    private static RemoteConnectionEvidence NotConnected(params string[] messages) => new()
    {
        Alias = "eck1",
        Messages = messages,
        Registered = true,
        Connected = false,
        Mode = "proxy",
        ProxyAddress = "203.0.113.10:9443",
        ServerName = "quickstart-es-remote-cluster.elastic.svc",
        HasClusterCredentials = true,
    };

    private static NodeLogEntry Log(string logger, string message, string? error = null) =>
        new("node-1", "/var/log/elasticsearch/local.log", DateTimeOffset.UnixEpoch, "WARN", logger, message, error);

    private static HandshakeEvidence Handshake(string outcome) => new("203.0.113.10:9443", outcome, $"outcome {outcome}");

    private static readonly IReadOnlyList<KeystoreCredentialEvidence> SameKey =
        [new("/es1/config", true, "key-1"), new("/es2/config", true, "key-1")];

    /// <summary>Each cause from the evidence that names it, with the kind of evidence it must say it rests on.</summary>
    public static TheoryData<RemoteConnectionCause, string, RemoteConnectionEvidence> Cases() => new()
    {
        {
            RemoteConnectionCause.RemoteCaNotTrusted, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                LogEntries =
                [
                    Log("org.elasticsearch.xpack.core.ssl.SSLService",
                        "failed to establish trust with server at [quickstart-es-remote-cluster.elastic.svc]; the certificate is issued by [CN=quickstart-transport]; "
                        + "this ssl context ([xpack.security.remote_cluster_client.ssl]) trusts [1] certificate(s), but none of them issued this certificate"),
                ],
            }
        },
        { RemoteConnectionCause.RemoteCaNotTrusted, EvidenceSource.Handshake, NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.Untrusted) } },
        {
            RemoteConnectionCause.ServerNameMismatch, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                LogEntries =
                [
                    Log("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                        "exception caught on transport layer [Netty4TcpChannel{localAddress=/10.0.0.5:50312, remoteAddress=/203.0.113.10:9443, profile=_remote_cluster}], closing connection",
                        "io.netty.handler.codec.DecoderException: javax.net.ssl.SSLHandshakeException: No subject alternative DNS name matching wrong.example.com found.\n"
                        + "Caused by: java.security.cert.CertificateException: No subject alternative DNS name matching wrong.example.com found."),
                ],
            }
        },
        { RemoteConnectionCause.ServerNameMismatch, EvidenceSource.Handshake, NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.NameMismatch) } },
        {
            RemoteConnectionCause.ApiKeyWrongPort, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                LogEntries =
                [
                    Log("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                        "exception caught on transport layer [Netty4TcpChannel{localAddress=/10.0.0.5:50312, remoteAddress=/203.0.113.10:9443, profile=_remote_cluster}], closing connection",
                        "io.netty.handler.codec.DecoderException: javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate"),
                ],
            }
        },
        { RemoteConnectionCause.ApiKeyWrongPort, EvidenceSource.Handshake, NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.AsksForClientCertificate) } },
        {
            RemoteConnectionCause.LocalCaNotTrustedByRemote, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                ProxyAddress = "203.0.113.10:9300",
                HasClusterCredentials = false,
                LogEntries =
                [
                    Log("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                        "client did not trust this server's certificate, closing connection Netty4TcpChannel{localAddress=/10.0.0.5:50312, remoteAddress=/203.0.113.10:9300, profile=default}"),
                ],
            }
        },
        {
            RemoteConnectionCause.CredentialMissing, EvidenceSource.Keystore,
            NotConnected(NoSeed) with
            {
                HasClusterCredentials = false,
                Keystores = [new("/es1/config", false, null), new("/es2/config", false, null)],
            }
        },
        {
            RemoteConnectionCause.ApiKeyInvalid, EvidenceSource.RemoteKey,
            NotConnected("Unable to connect to [eck1]") with { Keystores = SameKey, RemoteKey = new("key-1", RemoteKeyState.Invalidated, "was invalidated (revoked)") }
        },
        {
            RemoteConnectionCause.ApiKeyInvalid, EvidenceSource.RemoteKey,
            NotConnected("Unable to connect to [eck1]") with { Keystores = SameKey, RemoteKey = new("key-1", RemoteKeyState.Expired, "expired") }
        },
        {
            RemoteConnectionCause.ApiKeyInvalid, EvidenceSource.RemoteKey,
            NotConnected("Unable to connect to [eck1]") with { Keystores = SameKey, RemoteKey = new("key-1", RemoteKeyState.Missing, "does not exist on the remote cluster") }
        },
        { RemoteConnectionCause.ApiKeyInvalid, EvidenceSource.Response, NotConnected("unable to find apikey with id key-1") },
        { RemoteConnectionCause.ApiKeyInvalid, EvidenceSource.Response, NotConnected("invalid cross-cluster API key value") },
        {
            RemoteConnectionCause.RestApiKeyUsed, EvidenceSource.RemoteKey,
            NotConnected("Unable to connect to [eck1]") with { Keystores = SameKey, RemoteKey = new("key-1", RemoteKeyState.RestType, "is a REST API key") }
        },
        {
            RemoteConnectionCause.RemoteClusterServerDisabled, EvidenceSource.RemoteSettings,
            NotConnected(NoSeed) with { RemoteClusterServerEnabled = false, Handshake = Handshake(HandshakeOutcome.Refused) }
        },
        { RemoteConnectionCause.ProxyUnreachable, EvidenceSource.Response, NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.Refused) } },
        {
            RemoteConnectionCause.RemoteUnreachable, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                LogEntries =
                [
                    Log("org.elasticsearch.transport.ProxyConnectionStrategy", "failed to open any proxy connections to cluster [eck1]",
                        "org.elasticsearch.transport.ConnectTransportException: [][203.0.113.10:9443] connect_exception\n"
                        + "Caused by: io.netty.handler.ssl.SslHandshakeTimeoutException: handshake timed out after 10000ms"),
                ],
            }
        },
        { RemoteConnectionCause.RemoteUnreachable, EvidenceSource.Handshake, NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.Silent) } },
        {
            RemoteConnectionCause.TlsTerminatedInBetween, EvidenceSource.NodeLog,
            NotConnected(NoSeed) with
            {
                LogEntries =
                [
                    Log("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                        "received plaintext traffic on an encrypted channel, closing connection Netty4TcpChannel{localAddress=/10.0.0.5:9443, remoteAddress=/10.0.0.9:51022}"),
                ],
            }
        },
        {
            RemoteConnectionCause.CredentialDiffersBetweenNodes, EvidenceSource.Keystore,
            NotConnected("Unable to connect to [eck1]") with { Keystores = [new("/es1/config", true, "key-1"), new("/es2/config", true, "key-2")] }
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NamesTheCauseAndTheEvidenceItRestsOn(RemoteConnectionCause cause, string basis, RemoteConnectionEvidence evidence)
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(evidence);

        Assert.Equal(cause, diagnosis.Cause);
        Assert.Contains(basis, diagnosis.Basis);
        Assert.False(string.IsNullOrWhiteSpace(diagnosis.Evidence));
        Assert.Contains("-", diagnosis.RecommendedAction);
    }

    [Fact]
    public void AConnectionFailureAloneIsNotCalledUnreachableWhenTheHandshakeFromHereWorked()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.Trusted) });

        Assert.NotEqual(RemoteConnectionCause.ProxyUnreachable, diagnosis.Cause);
    }

    [Fact]
    public void HandshakeEvidenceIsReportedAsSeenFromThisMachine()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(NotConnected(NoSeed) with { Handshake = Handshake(HandshakeOutcome.Untrusted) });

        Assert.Contains("seen from this machine", diagnosis.Evidence);
    }

    [Fact]
    public void TheLoggedLineIsQuotedWithNodeFileAndLogger()
    {
        var evidence = NotConnected(NoSeed) with
        {
            LogEntries = [Log("org.elasticsearch.xpack.core.ssl.SSLService", "failed to establish trust with server at [x]; this ssl context ([xpack.security.remote_cluster_client.ssl]) trusts nothing")],
        };

        var diagnosis = RemoteConnectionDiagnostician.Diagnose(evidence);

        Assert.StartsWith("node-1 local.log: [", diagnosis.Evidence);
        Assert.Contains("[org.elasticsearch.xpack.core.ssl.SSLService] failed to establish trust", diagnosis.Evidence);
    }

    [Fact]
    public void CertificateUnknownOnAnInboundChannelIsNotAboutThisRemote()
    {
        var evidence = NotConnected(NoSeed) with
        {
            ProxyAddress = "203.0.113.10:9300",
            LogEntries =
            [
                Log("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                    "client did not trust this server's certificate, closing connection Netty4TcpChannel{localAddress=/10.0.0.5:9300, remoteAddress=/10.0.0.7:40000, profile=default}"),
            ],
        };

        Assert.NotEqual(RemoteConnectionCause.LocalCaNotTrustedByRemote, RemoteConnectionDiagnostician.Diagnose(evidence).Cause);
    }

    [Theory]
    [InlineData(RemoteConnectionCause.AliasNotRegistered, true)]
    [InlineData(RemoteConnectionCause.ProxyUnreachable, true)]
    [InlineData(RemoteConnectionCause.RemoteCaNotTrusted, false)]
    [InlineData(RemoteConnectionCause.ApiKeyInvalid, false)]
    [InlineData(RemoteConnectionCause.ServerNameMismatch, false)]
    public void OnlySomeCausesAreWorthWaitingFor(RemoteConnectionCause cause, bool worthWaiting) =>
        Assert.Equal(worthWaiting, RemoteConnectionCauses.WaitingCanFix(cause.ToString()));
}

public class NodeLogReaderTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "node-log-" + Guid.NewGuid().ToString("N")[..8]);

    public NodeLogReaderTests()
    {
        Directory.CreateDirectory(Path.Combine(_home, "config"));
        Directory.CreateDirectory(Path.Combine(_home, "var-log"));
        File.WriteAllText(Path.Combine(_home, "config", "elasticsearch.yml"), "cluster.name: local\npath.logs: var-log\n");
    }

    private string Config => Path.Combine(_home, "config");

    private NodeDirectory Node => new(LocalNodeFiles.Instance, Config);

    [Fact]
    public void ReadsThePatternLayoutWithItsExceptionLines()
    {
        var file = Path.Combine(_home, "var-log", "local.log");
        File.WriteAllText(file, "[2026-01-02T03:04:05,678][INFO ][o.e.n.Node               ] [node-1] started\n");
        var mark = NodeLogReader.Mark(Node);
        File.AppendAllText(file,
            "[2026-01-02T03:04:06,000][WARN ][o.e.t.ProxyConnectionStrategy] [node-1] failed to open any proxy connections to cluster [eck1]\n"
            + "org.elasticsearch.transport.ConnectTransportException: [][1.2.3.4:9443] handshake failed because connection reset\n"
            + "\tat org.elasticsearch.transport.TransportHandshaker.x(TransportHandshaker.java:1)\n");

        var entry = Assert.Single(NodeLogReader.ReadSince(mark));

        Assert.Equal("WARN", entry.Level);
        Assert.Equal("o.e.t.ProxyConnectionStrategy", entry.Logger);
        Assert.Equal("node-1", entry.Node);
        Assert.Contains("org.elasticsearch.transport.ConnectTransportException: [][1.2.3.4:9443] handshake failed because connection reset", entry.Texts());
        Assert.DoesNotContain(entry.Texts(), t => t.StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void PrefersTheJsonLogAndReadsItsErrorFields()
    {
        File.WriteAllText(Path.Combine(_home, "var-log", "local.log"), string.Empty);
        var json = Path.Combine(_home, "var-log", "local_server.json");
        File.WriteAllText(json, string.Empty);
        var mark = NodeLogReader.Mark(Node);
        File.AppendAllText(json,
            """{"@timestamp":"2026-01-02T03:04:06.000Z", "log.level": "WARN", "message":"failed to open any proxy connections to cluster [eck1]", "log.logger":"org.elasticsearch.transport.ProxyConnectionStrategy","elasticsearch.node.name":"node-2","error.type":"org.elasticsearch.transport.ConnectTransportException","error.message":"x","error.stack_trace":"org.elasticsearch.transport.ConnectTransportException: x\nCaused by: java.net.ConnectException: Connection refused"}"""
            + "\n");

        var entry = Assert.Single(NodeLogReader.ReadSince(mark));

        Assert.Equal("node-2", entry.Node);
        Assert.Equal("org.elasticsearch.transport.ProxyConnectionStrategy", entry.Logger);
        Assert.Contains("Caused by: java.net.ConnectException: Connection refused", entry.Texts());
        Assert.Equal(json, NodeLogReader.LogFile(Node));
    }

    [Fact]
    public void DefaultsToTheLogsDirectoryBesideTheConfigAndTheDefaultClusterName()
    {
        File.WriteAllText(Path.Combine(Config, "elasticsearch.yml"), "node.name: n\n");
        Directory.CreateDirectory(Path.Combine(_home, "logs"));
        File.WriteAllText(Path.Combine(_home, "logs", "elasticsearch.log"), string.Empty);

        Assert.Equal(Path.Combine(_home, "logs", "elasticsearch.log"), NodeLogReader.LogFile(Node));
    }

    [Fact]
    public void ALogRotatedSinceTheMarkIsReadFromItsStart()
    {
        var file = Path.Combine(_home, "var-log", "local.log");
        File.WriteAllText(file, new string('x', 500) + "\n");
        var mark = NodeLogReader.Mark(Node);
        File.WriteAllText(file, "[2026-01-02T03:04:06,000][WARN ][o.e.t.ProxyConnectionStrategy] [node-1] failed to open any proxy connections to cluster [eck1]\n");

        Assert.Equal("failed to open any proxy connections to cluster [eck1]", Assert.Single(NodeLogReader.ReadSince(mark)).Message);
    }

    [Fact]
    public void AnEmptyOrMissingLogGivesNoEntries()
    {
        Assert.Empty(NodeLogReader.ReadSince(NodeLogReader.Mark(Node)));
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}

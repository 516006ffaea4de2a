using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Estate;

namespace EckRemoteCluster.Tests.Estate;

/// <summary>The estate file: every key known, every problem named with its line and column, nothing half read.</summary>
public sealed class EstateReaderTests
{
    internal const string Valid = """
        version: 1
        localClusters:
          - name: dc1
            uri: https://es1:9200
            certificateAuthority: ./http_ca.crt
            username: elastic
            password: { env: ES_DC1_PASSWORD }
            nodes:
              - /etc/es1
              - configPath: /etc/es2
              - ssh: root@es3:2222
                keyFile: ~/.ssh/id_ed25519
        eckClusters:
          - name: prod
            context: prod-admin
            namespace: elastic
            cluster: quickstart
        links:
          - alias: prod-eck
            local: dc1
            eck: prod
            search: ['logs-*']
            replication: [metrics-*]
            keyExpiration: 90d
            roles:
              - name: remote-logs-reader
                indices: ['logs-*']
                remoteClusterPrivileges: [monitor_enrich]
        """;

    [Fact]
    public void AValidFileIsReadWithEveryValueAndItsDefaults()
    {
        var document = EstateReader.Read(Valid, "estate.yaml");

        var local = Assert.Single(document.LocalClusters);
        Assert.Equal("dc1", local.Name);
        Assert.Equal(["https://es1:9200"], local.Uris);
        Assert.Equal("ES_DC1_PASSWORD", local.Password!.Environment);
        Assert.Equal(["/etc/es1", "/etc/es2", null], local.Nodes.Select(n => n.ConfigPath));
        Assert.Equal("root@es3:2222", local.Nodes[2].Ssh);
        var eck = Assert.Single(document.EckClusters);
        Assert.Equal("prod-admin", eck.Context);
        Assert.Equal(("elastic", "quickstart", EckServiceType.LoadBalancer), (eck.Namespace, eck.Cluster, eck.ServiceType));
        var link = Assert.Single(document.Links);
        Assert.Equal(RemoteClusterSecurityModel.ApiKey, link.SecurityModel);
        Assert.Equal(["metrics-*"], link.Replication);
        Assert.Equal(TimeSpan.FromDays(90), link.KeyExpiration);
        Assert.Equal(TimeSpan.FromDays(30), link.RotateBefore);
        Assert.Equal(["read", "read_cross_cluster", "view_index_metadata"], Assert.Single(link.Roles).Privileges);
        Assert.Equal(new EstatePosition(19, 5), link.Position);
    }

    [Fact]
    public void AnSshNodeMayNameItsKnownHostsFileAndTheWriterKeepsIt()
    {
        var yaml = Valid.Replace("        keyFile: ~/.ssh/id_ed25519\n", "        keyFile: ~/.ssh/id_ed25519\n        knownHostsFile: ./known_hosts\n", StringComparison.Ordinal);

        var node = EstateReader.Read(yaml, "estate.yaml").LocalClusters[0].Nodes[2];

        Assert.Equal(("root@es3:2222", "~/.ssh/id_ed25519", "./known_hosts"), (node.Ssh, node.KeyFile, node.KnownHostsFile));
        var again = EstateReader.Read(EstateWriter.Write(EstateReader.Read(yaml, "estate.yaml"), null), "again.yaml").LocalClusters[0].Nodes[2];
        Assert.Equal("./known_hosts", again.KnownHostsFile);
    }

    [Fact]
    public void KnownHostsFileWithoutSshIsRefused()
    {
        var yaml = Valid.Replace("      - configPath: /etc/es2\n", "      - configPath: /etc/es2\n        knownHostsFile: ./known_hosts\n", StringComparison.Ordinal);

        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(yaml, "e.yaml"));

        Assert.Matches(@"e\.yaml, line 11, column \d+: knownHostsFile is for nodes reached with ssh", error.Message);
    }

    [Fact]
    public void AnUnknownKeyIsNamedWithItsLineAndColumn()
    {
        var yaml = Valid.Replace("    search: ['logs-*']", "    serch: ['logs-*']", StringComparison.Ordinal);

        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(yaml, "estate.yaml"));

        Assert.Equal(ErrorIds.EstateFileInvalid, error.ErrorId);
        Assert.Contains("estate.yaml, line 22, column 5: unknown key 'serch' in a link", error.Message);
        Assert.Contains("Nothing was changed", error.Message);
    }

    [Fact]
    public void AKeyInTheWrongCaseIsAnErrorThatSuggestsTheRightOne()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(Valid.Replace("keyExpiration", "keyexpiration", StringComparison.Ordinal), "e.yaml"));

        Assert.Contains("line 24, column 5: unknown key 'keyexpiration' in a link (did you mean 'keyExpiration'?)", error.Message);
    }

    [Fact]
    public void BrokenYamlIsAnErrorAtTheLineAndColumnWhereTheParserStopped()
    {
        var yaml = "localClusters:\n  - name: dc1\n    uri: [https://es1:9200\n";

        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(yaml, "bad.yaml"));

        Assert.Equal(ErrorIds.EstateFileInvalid, error.ErrorId);
        Assert.Matches(@"bad\.yaml, line \d+, column \d+: not valid YAML", error.Message);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnceInFileOrder()
    {
        var yaml = Valid
            .Replace("keyExpiration: 90d", "keyExpiration: 90 days", StringComparison.Ordinal)
            .Replace("cluster: quickstart", "clutser: quickstart", StringComparison.Ordinal);

        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(yaml, "e.yaml"));

        Assert.StartsWith("e.yaml, line 14, column 5: cluster is missing", error.Message);
        Assert.Contains("line 17, column 5: unknown key 'clutser'", error.Message);
        Assert.Contains("line 24, column 20: keyExpiration '90 days' is not a duration", error.Message);
    }

    [Theory]
    [InlineData("  - alias: prod-eck", "  - alias: prod.eck", "alias 'prod.eck' is not valid")]
    [InlineData("    eck: prod", "    eck: staging", "names ECK cluster 'staging', which eckClusters does not declare")]
    [InlineData("    local: dc1", "    local: dc9", "names local cluster 'dc9', which localClusters does not declare")]
    [InlineData("    eck: prod", "    eck: prod\n    securityModel: Mutual", "securityModel 'Mutual' is not ApiKey or Certificate")]
    [InlineData("    keyExpiration: 90d", "    keyExpiration: 90d\n    rotateBefore: 90d", "rotateBefore (90d) must be shorter than keyExpiration (90d)")]
    public void ALinkThatCannotBeAppliedIsRefusedBeforeAnythingHappens(string line, string replacement, string problem)
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(Valid.Replace(line, replacement, StringComparison.Ordinal), "e.yaml"));

        Assert.Equal(ErrorIds.EstateFileInvalid, error.ErrorId);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ASecretReferenceNeedsExactlyOneSource()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() =>
            EstateReader.Read(Valid.Replace("{ env: ES_DC1_PASSWORD }", "{ env: A, file: /run/b }", StringComparison.Ordinal), "e.yaml"));

        Assert.Contains("line 7, column 15: password needs exactly one of env", error.Message);
    }

    [Fact]
    public void TheCertificateModelTakesNoKeyAccess()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() =>
            EstateReader.Read(Valid.Replace("    eck: prod", "    eck: prod\n    securityModel: Certificate", StringComparison.Ordinal), "e.yaml"));

        Assert.Contains("search is for API-key links", error.Message);
    }

    [Fact]
    public void TheSameAliasTwiceOnOneLocalClusterIsRefused()
    {
        var link = Valid[Valid.IndexOf("  - alias: prod-eck", StringComparison.Ordinal)..];

        var error = Assert.Throws<EckRemoteClusterException>(() => EstateReader.Read(Valid + "\n" + link, "e.yaml"));

        Assert.Contains("link (local cluster and alias) 'dc1/prod-eck' is declared twice", error.Message);
    }

    [Fact]
    public void AShortLivedKeyIsRotatedAtHalfItsLifeByDefault()
    {
        var document = EstateReader.Read(Valid.Replace("keyExpiration: 90d", "keyExpiration: 1d", StringComparison.Ordinal), "e.yaml");

        Assert.Equal(TimeSpan.FromHours(12), document.Links[0].RotateBefore);
    }
}

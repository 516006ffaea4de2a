using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Estate;

namespace EckRemoteCluster.Tests.Estate;

/// <summary>What Export-RemoteClusterEstate writes is what Sync-RemoteClusterEstate reads, value for value.</summary>
public sealed class EstateWriterTests
{
    [Fact]
    public void AWrittenEstateReadsBackToTheSameValues()
    {
        var original = EstateReader.Read(EstateReaderTests.Valid, "estate.yaml");

        var yaml = EstateWriter.Write(original, "Exported from dc1\nSet ES_DC1_PASSWORD before running Sync-RemoteClusterEstate.");
        var read = EstateReader.Read(yaml, "exported.yaml");

        Assert.StartsWith("# Exported from dc1\n# Set ES_DC1_PASSWORD", yaml.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("...", yaml);
        Assert.Equal(Describe(original), Describe(read));
    }

    [Fact]
    public void PatternsThatYamlWouldMisreadAreQuoted()
    {
        var document = new EstateDocument(
            [new EstateLocalCluster("dc1", ["https://es1:9200"], null, null, null, new EstateSecretReference(null, null, "key", "Ops", new(0, 0)), null,
                [new EstateNode("/etc/es1", null, null, new(0, 0))], null, true, new(0, 0))],
            [new EstateEckCluster("prod", null, "ctx", "elastic", "quickstart", EckServiceType.NodePort, new(0, 0))],
            [new EstateLink("a", "dc1", "prod", RemoteClusterSecurityModel.ApiKey, ["*", "logs-*,x", "&anchor", "yes"], ["true"], TimeSpan.FromHours(36),
                TimeSpan.FromHours(6), false, [], new(0, 0))]);

        var read = EstateReader.Read(EstateWriter.Write(document), "e.yaml");

        Assert.Equal(["*", "logs-*,x", "&anchor", "yes"], read.Links[0].Search);
        Assert.Equal(["true"], read.Links[0].Replication);
        Assert.Equal(TimeSpan.FromHours(36), read.Links[0].KeyExpiration);
        Assert.Equal(TimeSpan.FromHours(6), read.Links[0].RotateBefore);
        Assert.False(read.Links[0].SkipUnavailable);
        Assert.True(read.LocalClusters[0].Prune);
        Assert.Equal(("key", "Ops"), (read.LocalClusters[0].ApiKey!.Secret, read.LocalClusters[0].ApiKey!.Vault));
        Assert.Equal(EckServiceType.NodePort, read.EckClusters[0].ServiceType);
    }

    [Theory]
    [InlineData(90 * 24 * 60, "90d")]
    [InlineData(36 * 60, "36h")]
    [InlineData(90, "90m")]
    public void DurationsAreWrittenInTheLargestWholeUnit(int minutes, string expected)
    {
        Assert.Equal(expected, TimeValues.Format(TimeSpan.FromMinutes(minutes)));
        Assert.True(TimeValues.TryParse(expected, out var back));
        Assert.Equal(TimeSpan.FromMinutes(minutes), back);
    }

    /// <summary>Every value of a document, positions aside (they differ between files by design).</summary>
    private static string Describe(EstateDocument d) => string.Join("\n",
        d.LocalClusters.Select(l => $"{l.Name} {string.Join(",", l.Uris)} {l.CertificateAuthority} {l.Username} {l.Password?.Environment} {l.Prune} "
            + string.Join(",", l.Nodes.Select(n => $"{n.ConfigPath}|{n.Ssh}|{n.KeyFile}")))
        .Concat(d.EckClusters.Select(e => $"{e.Name} {e.Context} {e.Namespace} {e.Cluster} {e.ServiceType}"))
        .Concat(d.Links.Select(l => $"{l.Alias} {l.Local} {l.Eck} {l.SecurityModel} {string.Join(",", l.Search)} {string.Join(",", l.Replication)} {l.KeyExpiration} {l.RotateBefore} "
            + string.Join(",", l.Roles.Select(r => $"{r.Name}:{string.Join("+", r.Indices)}:{string.Join("+", r.Privileges)}:{string.Join("+", r.RemoteClusterPrivileges)}")))));
}

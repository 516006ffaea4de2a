using EckRemoteCluster.Engine.Eck;

namespace EckRemoteCluster.Tests.Eck;

public sealed class VersionRulesTests
{
    [Theory]
    [InlineData("8.9.2")]
    [InlineData("7.17.20")]
    [InlineData("8.9.0-SNAPSHOT")]
    public void RemoteClusterServerIsRefusedBelow810(string version)
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => RemoteClusterServerSwitch.EnsureSupported(Cluster(version)));

        Assert.Equal("RemoteClusterServerUnsupportedVersion", error.ErrorId);
        Assert.Contains(version, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.10.0")]
    [InlineData("8.14.3")]
    [InlineData("9.1.0")]
    [InlineData(null)]
    [InlineData("custom-build")]
    public void RemoteClusterServerIsAllowedFrom810OrWhenTheVersionCannotBeRead(string? version) =>
        RemoteClusterServerSwitch.EnsureSupported(Cluster(version));

    [Theory]
    [InlineData("8.14.0", 8, 14, 0)]
    [InlineData("v9.1.2", 9, 1, 2)]
    [InlineData("8.15.0-SNAPSHOT", 8, 15, 0)]
    [InlineData("8.16", 8, 16, 0)]
    public void VersionsAreReadLikeElasticsearchPrintsThem(string text, int major, int minor, int patch) =>
        Assert.Equal(new Version(major, minor, patch), ElasticsearchVersions.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("eight")]
    [InlineData(null)]
    public void UnreadableVersionsAreNull(string? text) => Assert.Null(ElasticsearchVersions.Parse(text));

    [Fact]
    public void ServiceTemplateNeedsEck33() => Assert.Equal(new Version(3, 3, 0), EckNames.ServiceTemplateEckVersion);

    private static EckCluster Cluster(string? version) =>
        new("quickstart", "elastic", version, "green", "Ready", 3, false, "ctx", null, 1, 1, "1");
}

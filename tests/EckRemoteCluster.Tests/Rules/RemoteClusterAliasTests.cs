using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Tests.Rules;

public class RemoteClusterAliasTests
{
    [Theory]
    [InlineData("eck1")]
    [InlineData("eck-prod_2")]
    [InlineData("-")]
    [InlineData("ALIAS")]
    public void Validate_AcceptsEsAliasCharacters(string alias)
    {
        RemoteClusterAlias.Validate(alias);
        Assert.True(RemoteClusterAlias.IsValid(alias));
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("eck.prod")]
    [InlineData("my remote")]
    [InlineData("ünicode")]
    [InlineData("eck/1")]
    [InlineData("eck1\n")]
    public void Validate_RejectsOtherCharacters_QuotingTheAlias(string alias)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => RemoteClusterAlias.Validate(alias));
        Assert.Equal("InvalidRemoteClusterAlias", e.ErrorId);
        Assert.Equal(EckErrorCategory.InvalidArgument, e.Category);
        Assert.Contains($"[{alias}]", e.Message);
        Assert.Contains("not recognized", e.Message);
        Assert.Contains("letters, digits", e.RecommendedAction);
        Assert.Equal(alias, e.Target);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_RejectsEmpty(string? alias)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => RemoteClusterAlias.Validate(alias));
        Assert.Equal("InvalidRemoteClusterAlias", e.ErrorId);
        Assert.Contains("empty", e.Message);
    }
}

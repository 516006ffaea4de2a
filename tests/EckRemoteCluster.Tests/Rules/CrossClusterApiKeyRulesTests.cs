using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Tests.Rules;

public class CrossClusterApiKeyRulesTests
{
    [Theory]
    [InlineData("my-cc-api-key")]
    [InlineData("inner space")]
    [InlineData("x")]
    [InlineData("ключ")]
    public void ValidateName_AcceptsValidNames(string name) => CrossClusterApiKeyRules.ValidateName(name);

    [Theory]
    [InlineData("1d", "1d")]
    [InlineData(" 90D ", "90d")]
    [InlineData("12h", "12h")]
    [InlineData("500ms", "500ms")]
    public void ValidateExpiration_AcceptsTimeValues(string text, string expected) =>
        Assert.Equal(expected, CrossClusterApiKeyRules.ValidateExpiration(text));

    [Theory]
    [InlineData("90")]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData("1w")]
    [InlineData("-1.00:00:00")]
    public void ValidateExpiration_RejectsOthers(string text)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateExpiration(text));
        Assert.Equal("InvalidApiKeyExpiration", e.ErrorId);
        Assert.Contains($"[{text}]", e.Message);
    }

    [Fact]
    public void ValidateName_Accepts256Characters() => CrossClusterApiKeyRules.ValidateName(new string('a', 256));

    [Theory]
    [InlineData(null, "1: api key name is required;")]
    [InlineData("", "1: api key name is required;")]
    [InlineData(" lead", "1: api key name may not begin or end with whitespace;")]
    [InlineData("trail\t", "1: api key name may not begin or end with whitespace;")]
    [InlineData("_reserved", "1: api key name may not begin with an underscore;")]
    [InlineData("_x ", "1: api key name may not begin or end with whitespace;2: api key name may not begin with an underscore;")]
    public void ValidateName_RejectsWithEsMessages(string? name, string expected)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateName(name));
        Assert.Equal("InvalidApiKeyName", e.ErrorId);
        Assert.Contains("Validation Failed: " + expected, e.Message);
        Assert.Contains($"[{name}]", e.Message);
    }

    [Fact]
    public void ValidateName_Rejects257Characters()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateName(new string('a', 257)));
        Assert.Contains("api key name may not be more than 256 characters long", e.Message);
    }

    [Fact]
    public void ValidateName_NonBreakingSpaceIsNotJavaWhitespace()
    {
        CrossClusterApiKeyRules.ValidateName("\u00a0name");
    }

    [Fact]
    public void ValidateMetadataKeys_RejectsReservedKeys()
    {
        CrossClusterApiKeyRules.ValidateMetadataKeys(["tag", "owner_team"]);
        CrossClusterApiKeyRules.ValidateMetadataKeys(null);

        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateMetadataKeys(["tag", "_reserved"]));
        Assert.Equal("InvalidApiKeyMetadata", e.ErrorId);
        Assert.Contains("API key metadata keys may not start with [_]", e.Message);
        Assert.Contains("_reserved", e.Message);
    }

    [Fact]
    public void ValidateAccess_AcceptsSearchReplicationOrBoth()
    {
        var search = new[] { new CrossClusterAccessEntry(["logs*"], HasQuery: true, HasFieldSecurity: true) };
        var replication = new[] { new CrossClusterAccessEntry(["archive"]) };
        CrossClusterApiKeyRules.ValidateAccess(search, null);
        CrossClusterApiKeyRules.ValidateAccess(null, replication);
        CrossClusterApiKeyRules.ValidateAccess(search, replication);
    }

    [Fact]
    public void ValidateAccess_Empty_UsesEsMessage()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateAccess([], null));
        Assert.Equal("InvalidApiKeyAccess", e.ErrorId);
        Assert.Contains("must specify non-empty access for either [search] or [replication]", e.Message);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ValidateAccess_ReplicationWithDlsOrFls_UsesEsMessage(bool query, bool fieldSecurity)
    {
        var replication = new[] { new CrossClusterAccessEntry(["archive"], query, fieldSecurity) };
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateAccess(null, replication));
        Assert.Equal("InvalidApiKeyAccess", e.ErrorId);
        Assert.Contains("replication does not support document or field level security", e.Message);
        Assert.Contains("archive", e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("logs*|")]
    [InlineData(" ")]
    public void ValidateAccess_EmptyIndexPatterns_AreRejected(string? joinedNames)
    {
        string[] names = joinedNames is null ? [] : joinedNames.Split('|');
        var search = new[] { new CrossClusterAccessEntry(names) };
        var e = Assert.Throws<EckRemoteClusterException>(() => CrossClusterApiKeyRules.ValidateAccess(search, null));
        Assert.Equal("InvalidApiKeyAccess", e.ErrorId);
        Assert.Contains("[search]", e.Message);
    }
}

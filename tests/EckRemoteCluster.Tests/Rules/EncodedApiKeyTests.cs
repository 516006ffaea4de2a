using System.Text;
using EckRemoteCluster.Engine.Rules;
using Xunit;

namespace EckRemoteCluster.Tests.Rules;

public sealed class EncodedApiKeyTests
{
    private static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void AcceptsTheShapeElasticsearchCreates()
    {
        EncodedApiKey.Validate(Encode("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"));
        EncodedApiKey.Validate(" " + Encode("fakeKeyId01234567890:fakeSecret0123456789ab") + "\n");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw")] // the decoded form, not the encoded one
    public void RefusesWhatIsNotBase64(string value)
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => EncodedApiKey.Validate(value));
        Assert.Equal("InvalidApiKey", error.ErrorId);
        Assert.DoesNotContain("ui2lp2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-colon-in-this-value-at-all-0123456789")]
    [InlineData("id:secret")]
    [InlineData("VuaCfGcBCdbkQm-e5aOx:short")]
    [InlineData("VuaCfGcBCdbkQm-e5aO!:ui2lp2axTNmsyakw9tvNnw")]
    [InlineData("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsy kw9tvNnw")]
    public void RefusesADecodedValueOfTheWrongShape(string decoded)
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => EncodedApiKey.Validate(Encode(decoded)));
        Assert.Equal("InvalidApiKey", error.ErrorId);
        Assert.DoesNotContain(decoded, error.Message, StringComparison.Ordinal);
    }
}

using System.Text;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Tests.NodeConfig;

public class KeystorePrimitivesTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_MatchesZlibCheckValues(string input, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(input)));
    }

    [Theory]
    [InlineData("keystore.seed", "6b657973746f72652e73656564")]
    [InlineData("\u0000", "c080")]
    [InlineData("é", "c3a9")]
    [InlineData("€", "e282ac")]
    [InlineData("😀", "eda0bdedb880")]
    public void JavaModifiedUtf8_EncodesAsWriteUtfDoes(string input, string hex)
    {
        byte[] encoded = JavaModifiedUtf8.Encode(input);
        Assert.Equal(hex, Convert.ToHexString(encoded).ToLowerInvariant());
        Assert.True(JavaModifiedUtf8.TryDecode(encoded, out string decoded));
        Assert.Equal(input, decoded);
    }

    [Theory]
    [InlineData("c3")]
    [InlineData("e282")]
    [InlineData("ff")]
    [InlineData("c328")]
    public void JavaModifiedUtf8_RejectsMalformedBytes(string hex)
    {
        Assert.False(JavaModifiedUtf8.TryDecode(Convert.FromHexString(hex), out _));
    }
}

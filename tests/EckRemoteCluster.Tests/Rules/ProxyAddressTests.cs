using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Tests.Rules;

public class ProxyAddressTests
{
    [Theory]
    [InlineData("1.2.3.4:9443", "1.2.3.4", 9443)]
    [InlineData("eck.example.com:9443", "eck.example.com", 9443)]
    [InlineData("quickstart-es-remote-cluster.default.svc:9443", "quickstart-es-remote-cluster.default.svc", 9443)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:9443", "::1", 9443)]
    [InlineData("[2001:db8::1]:65535", "2001:db8::1", 65535)]
    public void Parse_AcceptsHostPort(string address, string host, int port)
    {
        var parsed = ProxyAddress.Parse(address);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(address, parsed.ToString());
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("1.2.3.4:")]
    [InlineData(":9443")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("host:94a3")]
    [InlineData("::1:9443")]
    [InlineData("2001:db8::1:9443")]
    [InlineData("[::1]")]
    [InlineData("[::1]9443")]
    [InlineData("[1.2.3.4]:9443")]
    [InlineData("[zz::1]:9443")]
    [InlineData("https://host:9443")]
    [InlineData("host name:9443")]
    [InlineData(" host:9443")]
    [InlineData("host..x:9443")]
    [InlineData("-host:9443")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_RejectsOtherSyntax_QuotingTheAddress(string? address)
    {
        Assert.False(ProxyAddress.TryParse(address, out _));
        var e = Assert.Throws<EckRemoteClusterException>(() => ProxyAddress.Parse(address));
        Assert.Equal("InvalidProxyAddress", e.ErrorId);
        Assert.Contains($"[{address}]", e.Message);
        Assert.Contains("[2001:db8::1]:9443", e.RecommendedAction);
    }

    [Theory]
    [InlineData("2001:db8::1", 9443, "[2001:db8::1]:9443")]
    [InlineData("[2001:db8::1]", 9443, "[2001:db8::1]:9443")]
    [InlineData("10.0.0.5", 9300, "10.0.0.5:9300")]
    [InlineData("eck.example.com", 443, "eck.example.com:443")]
    public void Format_BracketsIpv6Once(string host, int port, string expected)
    {
        Assert.Equal(expected, ProxyAddress.Format(host, port));
    }
}

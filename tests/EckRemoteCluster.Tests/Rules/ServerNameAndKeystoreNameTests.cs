using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Tests.Rules;

public class ServerNameAndKeystoreNameTests
{
    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("quickstart-es-remote-cluster.default.svc")]
    [InlineData("eck.example.com")]
    public void ServerName_AcceptsHostNamesAndEmpty(string? name) => ServerName.Validate(name);

    [Theory]
    [InlineData("eck.example.com.")]
    [InlineData("under_score.svc")]
    [InlineData("has space")]
    [InlineData("host:9443")]
    [InlineData("-leading.svc")]
    public void ServerName_RejectsWithEsWording(string name)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ServerName.Validate(name));
        Assert.Equal("InvalidServerName", e.ErrorId);
        Assert.Contains($"invalid server_name [{name}]", e.Message);
    }

    [Theory]
    [InlineData("cluster.remote.eck1.credentials")]
    [InlineData("keystore.seed")]
    [InlineData("xpack.security.transport.ssl.keystore.secure_password")]
    public void KeystoreSettingName_AcceptsEsNames(string name) => KeystoreSettingName.Validate(name);

    [Theory]
    [InlineData("cluster.remote.a:b.credentials")]
    [InlineData("with space")]
    [InlineData("")]
    [InlineData(null)]
    public void KeystoreSettingName_RejectsWithEsMessage(string? name)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => KeystoreSettingName.Validate(name));
        Assert.Equal("InvalidKeystoreSettingName", e.ErrorId);
        Assert.Contains("does not match the allowed setting name pattern [A-Za-z0-9_\\-.]+", e.Message);
    }
}

using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Tests.Diagnosis;

/// <summary>The certificate model (transport port 9300, no cluster_credentials): each one-sided trust mistake gets its own cause.</summary>
public class CertificateModelDiagnosisTests
{
    private static RemoteConnectionEvidence CertificateModel(string address, params string[] messages) => new()
    {
        Alias = "eck-cert",
        Messages = messages,
        Registered = true,
        Connected = false,
        Mode = "proxy",
        ProxyAddress = address,
        HasClusterCredentials = false,
    };

    [Theory]
    [InlineData("127.0.0.1:9300")]
    [InlineData("203.0.113.7:30300")]
    public void TheRemoteRejectingTheLocalCertificateMeansEckDoesNotTrustTheLocalCa(string address)
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(CertificateModel(address,
            "Unable to open any proxy connections to cluster [eck-cert] at address [" + address + "]",
            "Received fatal alert: certificate_unknown"));

        Assert.Equal(RemoteConnectionCause.LocalCaNotTrustedByRemote, diagnosis.Cause);
        Assert.Contains("Add-EckTransportTrust", diagnosis.RecommendedAction);
        Assert.Contains("certificate_unknown", diagnosis.Evidence);
    }

    [Fact]
    public void APkixFailureOnTheTransportPortMeansTheLocalNodesDoNotTrustTheEckCa()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(CertificateModel("127.0.0.1:9300",
            "Unable to open any proxy connections to cluster [eck-cert] at address [127.0.0.1:9300]",
            "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target"));

        Assert.Equal(RemoteConnectionCause.RemoteCaNotTrusted, diagnosis.Cause);
        Assert.Contains("SecurityModel Certificate", diagnosis.RecommendedAction);
        Assert.Contains("xpack.security.transport.ssl.certificate_authorities", diagnosis.RecommendedAction);
    }

    [Fact]
    public void ATransportContextTrustFailureOnPort9300IsNotAMissingCredential()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(CertificateModel("127.0.0.1:9300",
            "failed to establish trust with server at [127.0.0.1]; the certificate is not trusted in this ssl context ([xpack.security.transport.ssl])"));

        Assert.Equal(RemoteConnectionCause.RemoteCaNotTrusted, diagnosis.Cause);
    }

    [Fact]
    public void ThePkixFailureWithoutCredentialOnPort9443IsStillAMissingCredential()
    {
        var diagnosis = RemoteConnectionDiagnostician.Diagnose(CertificateModel("127.0.0.1:9443",
            "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target"));

        Assert.Equal(RemoteConnectionCause.CredentialMissing, diagnosis.Cause);
    }
}

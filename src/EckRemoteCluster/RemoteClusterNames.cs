namespace EckRemoteCluster;

/// <summary>The one place for Elasticsearch's remote-cluster names and ports on the local (self-managed) side.</summary>
internal static class RemoteClusterNames
{
    public const int RemoteClusterServerPort = 9443;
    public const int TransportPort = 9300;
    public const string RemoteClusterCaFile = "remote-cluster-ca.crt";
    public const string ClientSslEnabled = "xpack.security.remote_cluster_client.ssl.enabled";
    public const string ClientCertificateAuthorities = "xpack.security.remote_cluster_client.ssl.certificate_authorities";
    public const string TransportCertificateAuthorities = "xpack.security.transport.ssl.certificate_authorities";

    /// <summary>The file the remote's transport CA is written to for the certificate model (PEM-configured nodes).</summary>
    public const string TransportCaFile = "remote-transport-ca.crt";

    /// <summary>The friendly name (keytool alias) of the remote's CA in a PKCS#12 transport truststore.</summary>
    public const string TransportCaAlias = "remote-transport-ca";

    public const string TransportSsl = "xpack.security.transport.ssl";
    public const string TransportCertificate = TransportSsl + ".certificate";
    public const string TransportKeystorePath = TransportSsl + ".keystore.path";
    public const string TransportKeystorePassword = TransportSsl + ".keystore.secure_password";
    public const string TransportTruststorePath = TransportSsl + ".truststore.path";
    public const string TransportTruststorePassword = TransportSsl + ".truststore.secure_password";

    public static string CredentialsSetting(string alias) => $"cluster.remote.{alias}.credentials";
}

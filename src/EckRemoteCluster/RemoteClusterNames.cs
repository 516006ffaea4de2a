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

    public static string CredentialsSetting(string alias) => $"cluster.remote.{alias}.credentials";
}

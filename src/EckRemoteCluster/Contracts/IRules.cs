namespace EckRemoteCluster.Contracts;

/// <summary>Elasticsearch's own validation rules, applied before anything is sent or written.</summary>
internal interface IRules
{
    /// <summary>Throws InvalidRemoteClusterAlias unless the alias matches Elasticsearch's settings pattern [-\w]+.</summary>
    void ValidateRemoteClusterAlias(string alias);

    /// <summary>Throws InvalidApiKey unless the key is Base64 of Elasticsearch's id:secret shape (an empty one included).</summary>
    void ValidateEncodedApiKey(System.Security.SecureString key);
}

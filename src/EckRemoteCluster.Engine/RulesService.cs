using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Engine;

internal sealed class RulesService : IRules
{
    public void ValidateRemoteClusterAlias(string alias) => RemoteClusterAlias.Validate(alias);

    public void ValidateEncodedApiKey(System.Security.SecureString key) =>
        Secrets.SecureStrings.Use(key, chars =>
        {
            EncodedApiKey.Validate(chars);
            return true;
        });
}

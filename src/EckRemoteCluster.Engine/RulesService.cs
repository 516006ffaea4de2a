using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Engine;

internal sealed class RulesService : IRules
{
    public void ValidateRemoteClusterAlias(string alias) => RemoteClusterAlias.Validate(alias);
}

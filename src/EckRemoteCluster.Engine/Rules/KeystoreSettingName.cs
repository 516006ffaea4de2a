using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.Rules;

/// <summary>Keystore setting names, checked as KeyStoreWrapper.validateSettingName does.</summary>
public static class KeystoreSettingName
{
    public static bool IsValid(string? name) => ElasticsearchKeystore.IsValidSettingName(name);

    public static void Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw KeystoreErrors.InvalidSettingName(name ?? string.Empty);
        }
    }
}

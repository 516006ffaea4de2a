namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The transport action behind a REST endpoint and the cluster privileges that grant it, for the 403 Elasticsearch
/// answers when a caller (an API key with limited role descriptors) lacks them.
/// </summary>
public sealed record ClusterAction(string Name, IReadOnlyList<string> GrantedBy)
{
    public static ClusterAction Monitor(string name) => new(name, ["monitor", "manage", "all"]);

    public static ClusterAction Manage(string name) => new(name, ["manage", "all"]);

    public static ClusterAction Security(string name) => new(name, ["manage_security", "all"]);

    public static ClusterAction ApiKeys(string name) => new(name, ["manage_api_key", "manage_own_api_key", "manage_security", "all"]);

    /// <summary>
    /// The transport action the Security plugin runs, with the caller's privileges, to reload remote credentials (8.13+):
    /// under cluster:admin/xpack/security (manage_security) until 8.15.0, under reload_secure_settings (manage) since.
    /// </summary>
    public static ClusterAction ReloadRemoteCredentials(EsVersion version) => version.RemoteCredentialsReloadNeedsManageSecurity
        ? Security("cluster:admin/xpack/security/remote_cluster_credentials/reload")
        : Manage("cluster:admin/nodes/reload_secure_settings/security/remote_cluster_credentials");

    /// <summary>The 403 <see cref="Authorize"/> would throw, or null when <paramref name="principal"/> holds a granting privilege.</summary>
    public EsException? Denial(Principal principal)
    {
        try
        {
            Authorize(principal);
            return null;
        }
        catch (EsException e)
        {
            return e;
        }
    }

    public void Authorize(Principal principal)
    {
        var held = principal.ClusterPrivileges;
        if (held.Contains("all") || GrantedBy.Any(held.Contains))
        {
            return;
        }

        throw EsException.Security(403,
            $"action [{Name}] is unauthorized for {principal.Description}, this action is granted by the cluster privileges [{string.Join(",", GrantedBy)}]");
    }
}

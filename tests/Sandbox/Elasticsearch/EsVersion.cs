namespace Sandbox.Elasticsearch;

/// <summary>
/// An Elasticsearch version and the behaviour that depends on it, in one place so that every API asks the same question
/// ("does 8.13 reload remote credentials?") the same way.
/// </summary>
public sealed record EsVersion(int Major, int Minor, int Patch) : IComparable<EsVersion>
{
    public static EsVersion Parse(string text)
    {
        var parts = text.Split('-')[0].Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor)
            || !int.TryParse(parts[2], out var patch))
        {
            throw new FormatException($"'{text}' is not an Elasticsearch version (major.minor.patch).");
        }

        return new EsVersion(major, minor, patch);
    }

    public bool AtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    /// <summary>Cross-cluster API keys: beta in 8.10, GA in 8.14.</summary>
    public bool HasCrossClusterApiKeys => AtLeast(8, 10);

    /// <summary><c>cluster.remote.*.credentials</c> became reloadable with reload_secure_settings in 8.13.</summary>
    public bool ReloadsRemoteCredentials => AtLeast(8, 13);

    public bool HasResolveCluster => AtLeast(8, 13);

    /// <summary>
    /// The action that reloads remote credentials, run with the caller's privileges: until 8.15.0 it was
    /// <c>cluster:admin/xpack/security/remote_cluster_credentials/reload</c>, granted by manage_security (not manage);
    /// elastic/elasticsearch#111535 renamed it under reload_secure_settings, granted by manage (8.15.1, 8.16.0+).
    /// </summary>
    public bool RemoteCredentialsReloadNeedsManageSecurity =>
        ReloadsRemoteCredentials && !(AtLeast(8, 16) || (Major == 8 && Minor == 15 && Patch >= 1));

    /// <summary>
    /// reload_secure_settings reports secure_setting_names, keystore_path, keystore_digest and keystore_last_modified_time
    /// per node from 9.3 (elastic/elasticsearch#138052).
    /// </summary>
    public bool ReportsKeystoreDetailsOnReload => AtLeast(9, 3);

    /// <summary>_resolve/cluster without an index expression, and its timeout parameter (elastic/elasticsearch#120542): 8.18+.</summary>
    public bool HasResolveClusterTimeout => AtLeast(8, 18);

    /// <summary>
    /// _resolve/cluster reports a security exception with connected false since elastic/elasticsearch#119793, backported to
    /// 8.16.3 and 8.17.1 (8.18 and 9.0 have it); 8.13.0–8.16.2 and 8.17.0 said connected true.
    /// </summary>
    public bool ResolveClusterSecurityFailureDisconnects =>
        AtLeast(8, 18) || (Major == 8 && Minor == 17 && Patch >= 1) || (Major == 8 && Minor == 16 && Patch >= 3);

    /// <summary>The <c>remote_cluster</c> role field arrived in 8.15.</summary>
    public bool HasRemoteClusterPrivileges => AtLeast(8, 15);

    /// <summary>A cross-cluster key with search access is granted monitor_enrich next to cross_cluster_search from 8.15.</summary>
    public bool SearchKeysGrantMonitorEnrich => AtLeast(8, 15);

    /// <summary>skip_unavailable defaults to true since 8.15 (false before).</summary>
    public bool SkipUnavailableDefault => AtLeast(8, 15);

    /// <summary>KeyStoreWrapper format: 6 from 8.14 (210,000 PBKDF2 iterations), 5 for 8.0–8.13.</summary>
    public int KeystoreFormatVersion => AtLeast(8, 14) ? 6 : 5;

    public string LuceneVersion => (Major, Minor) switch
    {
        (>= 9, >= 1) => "10.2.2",
        (9, 0) => "10.1.0",
        (8, >= 18) => "9.12.1",
        (8, >= 16) => "9.12.0",
        (8, 15) => "9.11.1",
        (8, >= 13) => "9.10.0",
        (8, >= 11) => "9.8.0",
        _ => "9.7.0",
    };

    public string MinimumWireCompatibilityVersion => Major >= 9 ? (Minor >= 1 ? "8.19.0" : "8.18.0") : "7.17.0";

    public string MinimumIndexCompatibilityVersion => Major >= 9 ? "8.0.0" : "7.0.0";

    public int CompareTo(EsVersion? other) =>
        other is null ? 1 : (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}

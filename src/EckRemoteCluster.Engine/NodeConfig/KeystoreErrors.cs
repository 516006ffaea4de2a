namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>The keystore failures, with Elasticsearch's own wording where ES has one.</summary>
internal static class KeystoreErrors
{
    public const string PasswordIncorrectMessage = "Provided keystore password was incorrect";
    public const string CorruptedMessage = "Keystore has been corrupted or tampered with";

    public static EckRemoteClusterException PasswordIncorrect(string source, Exception? inner = null) => new(
        ErrorIds.KeystorePasswordIncorrect,
        EckErrorCategory.AuthenticationError,
        $"{PasswordIncorrectMessage}: [{source}].",
        "Supply the password the keystore was created with (the one given to 'elasticsearch-keystore passwd'); "
        + "ES_KEYSTORE_PASSPHRASE_FILE on the node names a file holding it.",
        source,
        inner);

    public static EckRemoteClusterException PasswordRequired(string source) => new(
        ErrorIds.KeystorePasswordRequired,
        EckErrorCategory.InvalidArgument,
        $"The Elasticsearch keystore [{source}] is password protected and no password was supplied.",
        "Supply the keystore password.",
        source);

    public static EckRemoteClusterException Corrupted(string source, string detail, Exception? inner = null) => new(
        ErrorIds.KeystoreCorrupted,
        EckErrorCategory.InvalidData,
        $"{CorruptedMessage}: [{source}] ({detail}).",
        $"Restore the keystore from a backup (a previous copy may exist as [{source}{ElasticsearchKeystore.BackupSuffix}]) "
        + "or recreate it with 'bin/elasticsearch-keystore create' and add its settings again.",
        source,
        inner);

    public static EckRemoteClusterException InvalidFormat(string source, string detail) => new(
        ErrorIds.KeystoreInvalidFormat,
        EckErrorCategory.InvalidData,
        $"[{source}] is not an Elasticsearch keystore ({detail}).",
        "Point to the node's config/elasticsearch.keystore file.",
        source);

    public static EckRemoteClusterException FormatTooNew(string source, int version) => new(
        ErrorIds.KeystoreFormatTooNew,
        EckErrorCategory.NotImplemented,
        $"The Elasticsearch keystore [{source}] format is too new: version {version}, this module reads versions "
        + $"{KeystoreFormat.MinimumVersion} to {KeystoreFormat.LatestVersion}.",
        "Use 'bin/elasticsearch-keystore add' on the node for this keystore, or update the EckRemoteCluster module.",
        source);

    public static EckRemoteClusterException FormatTooOld(string source, int version) => new(
        ErrorIds.KeystoreFormatTooOld,
        EckErrorCategory.NotImplemented,
        $"The Elasticsearch keystore [{source}] format is too old: version {version} (before Elasticsearch 6.3).",
        "Run 'bin/elasticsearch-keystore upgrade' on the node, then retry.",
        source);

    public static EckRemoteClusterException InvalidSettingName(string name) => new(
        ErrorIds.InvalidKeystoreSettingName,
        EckErrorCategory.InvalidArgument,
        $"Setting name [{name}] does not match the allowed setting name pattern [A-Za-z0-9_\\-.]+",
        "Use only letters, digits, '_', '-' and '.' in keystore setting names, e.g. cluster.remote.my_remote.credentials.",
        name);

    public static EckRemoteClusterException UnsupportedVersion(int version) => new(
        ErrorIds.KeystoreVersionNotSupported,
        EckErrorCategory.InvalidArgument,
        $"Keystore format version {version} cannot be written; versions {KeystoreFormat.MinimumVersion} to "
        + $"{KeystoreFormat.LatestVersion} can.",
        "Choose version 6 for Elasticsearch 8.14 and later, 5 for 8.0 to 8.13, 4 for 6.8/7.x.",
        version);

    public static EckRemoteClusterException NotFound(string path, Exception inner) => new(
        ErrorIds.KeystoreNotFound,
        EckErrorCategory.ObjectNotFound,
        $"The Elasticsearch keystore [{path}] does not exist.",
        "Check the node's config directory, or create the keystore with 'bin/elasticsearch-keystore create'.",
        path,
        inner);

    public static EckRemoteClusterException ReadFailed(string path, Exception inner) => new(
        inner is UnauthorizedAccessException ? ErrorIds.KeystoreAccessDenied : ErrorIds.KeystoreReadFailed,
        inner is UnauthorizedAccessException ? EckErrorCategory.PermissionDenied : EckErrorCategory.ReadError,
        $"The Elasticsearch keystore [{path}] could not be read: {inner.Message}",
        "Run as a user that can read the node's config directory (the elasticsearch user or root).",
        path,
        inner);

    public static EckRemoteClusterException WriteFailed(string path, Exception inner) => new(
        inner is UnauthorizedAccessException ? ErrorIds.KeystoreAccessDenied : ErrorIds.KeystoreWriteFailed,
        inner is UnauthorizedAccessException ? EckErrorCategory.PermissionDenied : EckErrorCategory.WriteError,
        $"The Elasticsearch keystore [{path}] could not be written: {inner.Message}",
        "Run as a user that can write the node's config directory; the existing keystore was left unchanged.",
        path,
        inner);
}

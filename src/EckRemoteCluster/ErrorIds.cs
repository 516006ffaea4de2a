namespace EckRemoteCluster;

/// <summary>
/// Every ErrorId the module reports, in one place so that a failure is named the same wherever it is raised or
/// recognised. Scripts match on these strings (the FullyQualifiedErrorId is "&lt;ErrorId&gt;,&lt;cmdlet type&gt;"), so a
/// released value never changes; a new kind of failure gets a new, specific name.
/// </summary>
internal static class ErrorIds
{
    public const string AliasRequired = nameof(AliasRequired);
    public const string ApiKeyModelUnsupportedVersion = nameof(ApiKeyModelUnsupportedVersion);
    public const string ApiKeyRequired = nameof(ApiKeyRequired);
    public const string CertificateAuthorityExpired = nameof(CertificateAuthorityExpired);
    public const string CertificateFileNotFound = nameof(CertificateFileNotFound);
    public const string ClusterHealthNotRestored = nameof(ClusterHealthNotRestored);
    public const string ClusterHealthRed = nameof(ClusterHealthRed);
    public const string ConfigMapNameTaken = nameof(ConfigMapNameTaken);
    public const string ConfigPathNotFound = nameof(ConfigPathNotFound);
    public const string ConfigPathRequired = nameof(ConfigPathRequired);
    public const string ConfirmationRequired = nameof(ConfirmationRequired);
    public const string ConflictingTlsOptions = nameof(ConflictingTlsOptions);
    public const string CrossClusterApiKeyInvalidationFailed = nameof(CrossClusterApiKeyInvalidationFailed);
    public const string CrossClusterApiKeyNotFound = nameof(CrossClusterApiKeyNotFound);
    public const string CrossClusterApiKeyUnsupportedVersion = nameof(CrossClusterApiKeyUnsupportedVersion);
    public const string CrossClusterApiKeyUpdateEmpty = nameof(CrossClusterApiKeyUpdateEmpty);
    public const string CrossClusterApiKeyWithoutConnection = nameof(CrossClusterApiKeyWithoutConnection);
    public const string EckClusterDeleted = nameof(EckClusterDeleted);
    public const string EckClusterInvalid = nameof(EckClusterInvalid);
    public const string EckClusterNameAmbiguous = nameof(EckClusterNameAmbiguous);
    public const string EckClusterNoReadyPod = nameof(EckClusterNoReadyPod);
    public const string EckClusterNotFound = nameof(EckClusterNotFound);
    public const string EckClusterWaitTimeout = nameof(EckClusterWaitTimeout);
    public const string EckElasticUserMissing = nameof(EckElasticUserMissing);
    public const string EckNotInstalled = nameof(EckNotInstalled);
    public const string ElasticsearchAuthenticationFailed = nameof(ElasticsearchAuthenticationFailed);
    public const string ElasticsearchConflict = nameof(ElasticsearchConflict);
    public const string ElasticsearchForbidden = nameof(ElasticsearchForbidden);
    public const string ElasticsearchNotFound = nameof(ElasticsearchNotFound);
    public const string ElasticsearchRequestFailed = nameof(ElasticsearchRequestFailed);
    public const string ElasticsearchRequestRejected = nameof(ElasticsearchRequestRejected);
    public const string ElasticsearchResponseMalformed = nameof(ElasticsearchResponseMalformed);
    public const string ElasticsearchTlsFailed = nameof(ElasticsearchTlsFailed);
    public const string ElasticsearchUnavailable = nameof(ElasticsearchUnavailable);
    public const string ElasticsearchUnreachable = nameof(ElasticsearchUnreachable);
    public const string ElasticsearchYmlDuplicateSetting = nameof(ElasticsearchYmlDuplicateSetting);
    public const string ElasticsearchYmlEditFailed = nameof(ElasticsearchYmlEditFailed);
    public const string ElasticsearchYmlInvalid = nameof(ElasticsearchYmlInvalid);
    public const string EncodedKeyUnavailable = nameof(EncodedKeyUnavailable);
    public const string EngineNotFound = nameof(EngineNotFound);
    public const string InvalidApiKey = nameof(InvalidApiKey);
    public const string InvalidApiKeyAccess = nameof(InvalidApiKeyAccess);
    public const string InvalidApiKeyExpiration = nameof(InvalidApiKeyExpiration);
    public const string InvalidApiKeyMetadata = nameof(InvalidApiKeyMetadata);
    public const string InvalidApiKeyName = nameof(InvalidApiKeyName);
    public const string InvalidCertificate = nameof(InvalidCertificate);
    public const string InvalidElasticsearchUri = nameof(InvalidElasticsearchUri);
    public const string InvalidIndexPattern = nameof(InvalidIndexPattern);
    public const string InvalidJsonParameter = nameof(InvalidJsonParameter);
    public const string InvalidKeystoreSettingName = nameof(InvalidKeystoreSettingName);
    public const string InvalidProxyAddress = nameof(InvalidProxyAddress);
    public const string InvalidRemoteClusterAlias = nameof(InvalidRemoteClusterAlias);
    public const string InvalidRoleName = nameof(InvalidRoleName);
    public const string InvalidServerName = nameof(InvalidServerName);
    public const string InvalidSettingKey = nameof(InvalidSettingKey);
    public const string KeystoreAccessDenied = nameof(KeystoreAccessDenied);
    public const string KeystoreCorrupted = nameof(KeystoreCorrupted);
    public const string KeystoreFormatTooNew = nameof(KeystoreFormatTooNew);
    public const string KeystoreFormatTooOld = nameof(KeystoreFormatTooOld);
    public const string KeystoreInvalidFormat = nameof(KeystoreInvalidFormat);
    public const string KeystoreNotFound = nameof(KeystoreNotFound);
    public const string KeystorePasswordIncorrect = nameof(KeystorePasswordIncorrect);
    public const string KeystorePasswordRequired = nameof(KeystorePasswordRequired);
    public const string KeystoreReadFailed = nameof(KeystoreReadFailed);
    public const string KeystoreSettingNotFound = nameof(KeystoreSettingNotFound);
    public const string KeystoreVersionNotSupported = nameof(KeystoreVersionNotSupported);
    public const string KeystoreWriteFailed = nameof(KeystoreWriteFailed);
    public const string KubeConfigInvalid = nameof(KubeConfigInvalid);
    public const string KubeConfigNotFound = nameof(KubeConfigNotFound);
    public const string KubeContextNotFound = nameof(KubeContextNotFound);
    public const string KubeCredentialFailed = nameof(KubeCredentialFailed);
    public const string KubeExecPluginFailed = nameof(KubeExecPluginFailed);
    public const string KubeExecPluginNotFound = nameof(KubeExecPluginNotFound);
    public const string KubeExecPluginOutputInvalid = nameof(KubeExecPluginOutputInvalid);
    public const string KubernetesAdmissionDenied = nameof(KubernetesAdmissionDenied);
    public const string KubernetesConflict = nameof(KubernetesConflict);
    public const string KubernetesForbidden = nameof(KubernetesForbidden);
    public const string KubernetesObjectNotFound = nameof(KubernetesObjectNotFound);
    public const string KubernetesRequestFailed = nameof(KubernetesRequestFailed);
    public const string KubernetesRequestInvalid = nameof(KubernetesRequestInvalid);
    public const string KubernetesUnauthorized = nameof(KubernetesUnauthorized);
    public const string KubernetesUnavailable = nameof(KubernetesUnavailable);
    public const string KubernetesUnreachable = nameof(KubernetesUnreachable);
    public const string NodeBatchInterrupted = nameof(NodeBatchInterrupted);
    public const string NodeConfigAccessDenied = nameof(NodeConfigAccessDenied);
    public const string NodeConfigLocked = nameof(NodeConfigLocked);
    public const string NodeConfigReadFailed = nameof(NodeConfigReadFailed);
    public const string NodeConfigWriteFailed = nameof(NodeConfigWriteFailed);
    public const string NodeDidNotRejoin = nameof(NodeDidNotRejoin);
    public const string NodeFileOwnerWouldChange = nameof(NodeFileOwnerWouldChange);
    public const string NodeJournalUnreadable = nameof(NodeJournalUnreadable);
    public const string NodeNameUnresolved = nameof(NodeNameUnresolved);
    public const string NodeNotInCluster = nameof(NodeNotInCluster);
    public const string NodeRejoinedWithNewId = nameof(NodeRejoinedWithNewId);
    public const string NodeRestartFailed = nameof(NodeRestartFailed);
    public const string NodeRestartMethodMissing = nameof(NodeRestartMethodMissing);
    public const string NodeSettingFromEnvironment = nameof(NodeSettingFromEnvironment);
    public const string NodeTruststoreNotPkcs12 = nameof(NodeTruststoreNotPkcs12);
    public const string NodesNotGiven = nameof(NodesNotGiven);
    public const string NotACertificateAuthority = nameof(NotACertificateAuthority);
    public const string NotAnElasticsearchConfigDirectory = nameof(NotAnElasticsearchConfigDirectory);
    public const string PathNotFileSystem = nameof(PathNotFileSystem);
    public const string PathNotFound = nameof(PathNotFound);
    public const string PlainHttpElasticsearchUri = nameof(PlainHttpElasticsearchUri);
    public const string RemoteClusterAddressNotAccepting = nameof(RemoteClusterAddressNotAccepting);
    public const string RemoteClusterAddressTimeout = nameof(RemoteClusterAddressTimeout);
    public const string RemoteClusterMigrationFailed = nameof(RemoteClusterMigrationFailed);
    public const string RemoteClusterNotConnected = nameof(RemoteClusterNotConnected);
    public const string RemoteClusterNotFound = nameof(RemoteClusterNotFound);
    public const string RemoteClusterPrivilegeNotSupported = nameof(RemoteClusterPrivilegeNotSupported);
    public const string RemoteClusterServerNotEnabled = nameof(RemoteClusterServerNotEnabled);
    public const string RemoteClusterServerNotPublished = nameof(RemoteClusterServerNotPublished);
    public const string RemoteClusterServerUnsupportedVersion = nameof(RemoteClusterServerUnsupportedVersion);
    public const string RemoteClusterServiceTemplateExists = nameof(RemoteClusterServiceTemplateExists);
    public const string RemoteCommandFailed = nameof(RemoteCommandFailed);
    public const string RemoteConnectionRequired = nameof(RemoteConnectionRequired);
    public const string RemoteIndicesNotSupported = nameof(RemoteIndicesNotSupported);
    public const string SecureSettingsReloadFailed = nameof(SecureSettingsReloadFailed);
    public const string ServiceNameTaken = nameof(ServiceNameTaken);
    public const string SessionConfigPathMismatch = nameof(SessionConfigPathMismatch);
    public const string SessionLost = nameof(SessionLost);
    public const string SessionUnavailable = nameof(SessionUnavailable);
    public const string TransportAddressNotAccepting = nameof(TransportAddressNotAccepting);
    public const string TransportAddressTimeout = nameof(TransportAddressTimeout);
    public const string TransportCaInvalid = nameof(TransportCaInvalid);
    public const string TransportCaMissing = nameof(TransportCaMissing);
    public const string TransportCaNotConfigured = nameof(TransportCaNotConfigured);
    public const string TransportCaWriteFailed = nameof(TransportCaWriteFailed);
    public const string TransportServiceTemplateExists = nameof(TransportServiceTemplateExists);
    public const string TransportTruststoreNotFound = nameof(TransportTruststoreNotFound);
    public const string TransportTruststoreUnreadable = nameof(TransportTruststoreUnreadable);
    public const string UnsupportedNodeInput = nameof(UnsupportedNodeInput);

    // Get-RemoteClusterHealth and Watch-RemoteCluster (issue 12, health).
    public const string InvalidHealthThreshold = nameof(InvalidHealthThreshold);
    public const string InvalidWatchInterval = nameof(InvalidWatchInterval);
    public const string RemoteClusterUnhealthy = nameof(RemoteClusterUnhealthy);

    // Declarative estate (Sync-/Export-RemoteClusterEstate).
    public const string EstateFileInvalid = nameof(EstateFileInvalid);
    public const string EstateFileNotFound = nameof(EstateFileNotFound);
    public const string EstateFileExists = nameof(EstateFileExists);
    public const string EstateSecretUnavailable = nameof(EstateSecretUnavailable);
    public const string EstateLinkFailed = nameof(EstateLinkFailed);

    // Day-2 rotation (#12: Update-RemoteClusterCredential, Sync-RemoteClusterTrust)
    public const string CredentialDiffersBetweenNodes = nameof(CredentialDiffersBetweenNodes);
    public const string CredentialNotOnNodes = nameof(CredentialNotOnNodes);
    public const string CredentialRotationNotVerified = nameof(CredentialRotationNotVerified);
    public const string InvalidRotationWindow = nameof(InvalidRotationWindow);
    public const string TrustSyncNotConfigured = nameof(TrustSyncNotConfigured);
    public const string TrustSyncNotVerified = nameof(TrustSyncNotVerified);

    // PKCS#12 truststores kept in step by Sync-RemoteClusterTrust (estate helper).
    public const string TruststoreEntryNotRemovable = nameof(TruststoreEntryNotRemovable);

    // Requests during an ECK rolling restart (#15: a POST that got no answer may have been carried out).
    public const string ElasticsearchNoAnswer = nameof(ElasticsearchNoAnswer);
}

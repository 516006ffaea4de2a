@{
    RootModule           = 'EckRemoteCluster.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    GUID                 = '5b0f3c1e-8d52-4f7a-9a43-2f6e8c1d7b90'
    Author               = 'EckRemoteCluster contributors'
    CompanyName          = 'EckRemoteCluster contributors'
    Copyright            = '(c) EckRemoteCluster contributors. Apache License 2.0.'
    Description          = 'Connects self-managed Elasticsearch clusters to Elasticsearch clusters run by ECK (Elastic Cloud on Kubernetes) for cross-cluster search and replication, with the API-key (port 9443) or TLS-certificate (port 9300) security model, and keeps those connections healthy.'
    FormatsToProcess     = @('EckRemoteCluster.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-ElasticsearchNodeConfig'
        'Get-EckCluster'
        'Enable-EckRemoteClusterServer'
        'Disable-EckRemoteClusterServer'
        'Wait-EckCluster'
        'Publish-EckRemoteClusterServer'
        'Unpublish-EckRemoteClusterServer'
        'Get-EckRemoteClusterEndpoint'
        'Get-EckTransportCa'
        'New-ElasticsearchConnection'
        'New-CrossClusterApiKey'
        'Get-CrossClusterApiKey'
        'Update-CrossClusterApiKey'
        'Revoke-CrossClusterApiKey'
        'Get-ElasticsearchKeystore'
        'Add-RemoteClusterCredential'
        'Add-RemoteClusterTrust'
        'Connect-RemoteCluster'
        'Get-RemoteCluster'
        'Test-RemoteCluster'
        'Disconnect-RemoteCluster'
        'Set-RemoteClusterRole'
        'Invoke-ElasticsearchRequest'
        'Get-ElasticsearchTransportCa'
        'Add-EckTransportTrust'
        'Publish-EckTransport'
        'Unpublish-EckTransport'
        'Move-RemoteClusterToApiKey'
        'Restart-ElasticsearchNode'
        'Sync-RemoteClusterEstate'
        'Export-RemoteClusterEstate'
        'Update-RemoteClusterCredential'
        'Sync-RemoteClusterTrust'
        'Get-RemoteClusterHealth'
        'Watch-RemoteCluster'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Elasticsearch', 'ECK', 'Kubernetes', 'CrossClusterSearch', 'CrossClusterReplication', 'RemoteCluster', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            # No ProjectUri: the project has no public home yet, and the gallery must not link to an invented one.
            ReleaseNotes = @'
0.1.0, the first release.
- Connects self-managed Elasticsearch clusters to ECK-managed ones with the API-key security model (port 9443):
  Get-EckCluster | Enable-EckRemoteClusterServer | Publish-EckRemoteClusterServer, New-CrossClusterApiKey,
  Add-RemoteClusterCredential (every node's keystore, reloaded), Add-RemoteClusterTrust, Connect-RemoteCluster,
  Set-RemoteClusterRole; Test-RemoteCluster says why a connection is down and what to do.
- The TLS-certificate model (port 9300): Get-ElasticsearchTransportCa, Add-EckTransportTrust, Publish-EckTransport,
  and Move-RemoteClusterToApiKey to leave it; Restart-ElasticsearchNode for the rolling restarts trust changes need.
- Runbooks: -WhatIf everywhere, -Force/-Confirm:$false under pwsh -NonInteractive (ConfirmationRequired otherwise),
  Test-RemoteCluster -Quiet and -ErrorIfNotConnected; kubeconfig exec plugins run once per token.
- Node files on the node itself through PowerShell remoting (-Session, SSH or WinRM) or as paths, with their owner,
  group and mode kept, locked per node, and written all or none across nodes (the next run finishes a batch cut short).
'@
        }
    }
}

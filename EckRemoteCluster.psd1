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
    FormatsToProcess     = @('EckRemoteCluster.Format.ps1xml', 'LocalNodes.Format.ps1xml', 'RemoteClusters.Format.ps1xml', 'Eck.Format.ps1xml', 'CertificateModel.Format.ps1xml')
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
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Elasticsearch', 'ECK', 'Kubernetes', 'CrossClusterSearch', 'CrossClusterReplication', 'RemoteCluster', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/eckremotecluster/EckRemoteCluster'
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = 'Initial foundation: module layout, dependency isolation, Get-ElasticsearchNodeConfig.'
        }
    }
}

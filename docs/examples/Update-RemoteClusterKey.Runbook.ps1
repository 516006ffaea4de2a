<#
.SYNOPSIS
    Runbook: gives a self-managed cluster a new cross-cluster API key for its ECK remote, then proves the remote works.
.DESCRIPTION
    Meant to run unattended (pwsh -NonInteractive -File, a scheduler, an automation account): nothing prompts, every
    change is confirmed in advance with -Confirm:$false, and any failure stops the runbook with its ErrorId and cause
    ($ErrorActionPreference = 'Stop'; Test-RemoteCluster -ErrorIfNotConnected), so the scheduler reports it.

    1. Creates a key on the ECK cluster (as its elastic user, through Get-EckCluster | New-ElasticsearchConnection).
    2. Writes it into every node's keystore, has the nodes reload it, verifies the remote connects with it and revokes
       the key it replaces (Add-RemoteClusterCredential -Connection).
    3. Checks the remote with a cross-cluster search (Test-RemoteCluster -ErrorIfNotConnected).
.EXAMPLE
    $credential = Get-Secret -Vault Ops -Name es-local-admin     # a PSCredential kept with SecretManagement
    pwsh -NonInteractive -File ./Update-RemoteClusterKey.Runbook.ps1 -Namespace elastic -Name quickstart `
        -LocalUri https://es1:9200 -LocalCredential $credential -CertificateAuthority ./http_ca.crt `
        -ConfigPath /mnt/es1/config, /mnt/es2/config -Alias prod-eck -SearchIndex 'logs-*'
#>
param(
    [Parameter(Mandatory)] [string] $Namespace,
    [Parameter(Mandatory)] [string] $Name,
    [Parameter(Mandatory)] [string[]] $LocalUri,
    [Parameter(Mandatory)] [pscredential] $LocalCredential,
    [Parameter(Mandatory)] [string] $CertificateAuthority,
    [Parameter(Mandatory)] [string[]] $ConfigPath,
    [Parameter(Mandatory)] [string] $Alias,
    [string[]] $SearchIndex = @('logs-*'),
    [securestring] $KeystorePassword,
    [string] $KubeConfig,
    [string] $Module = 'EckRemoteCluster'
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$kube = if ($KubeConfig) { @{ KubeConfig = $KubeConfig } } else { @{} }
$keystore = if ($KeystorePassword) { @{ KeystorePassword = $KeystorePassword } } else { @{} }

$local = New-ElasticsearchConnection -Uri $LocalUri -Credential $LocalCredential -CertificateAuthority $CertificateAuthority
$key = Get-EckCluster -Namespace $Namespace -Name $Name @kube | New-ElasticsearchConnection |
    New-CrossClusterApiKey -Name "$Alias-$(Get-Date -Format yyyyMMddHHmmss)" -Alias $Alias -SearchIndex $SearchIndex -Confirm:$false
$key | Add-RemoteClusterCredential -ConfigPath $ConfigPath -Connection $local @keystore -Confirm:$false | Out-Null
Test-RemoteCluster -Connection $local -Alias $Alias -ConfigPath $ConfigPath -SearchIndex $SearchIndex[0] @keystore -ErrorIfNotConnected

<#
.SYNOPSIS
    The whole API-key workflow, self-managed cluster -> ECK cluster, run against the sandbox by ./build.ps1 Demo.
.DESCRIPTION
    Every step is the same pipeline an administrator runs against real clusters (README, "For a real cluster");
    only where the inputs come from differs: here, the sandbox's sandbox.json. Two things are sandbox-only and
    marked so: the demo documents it indexes on the remote, and restarting the self-managed nodes through the
    sandbox's control API (on real machines: systemctl restart elasticsearch, or Restart-Service).
#>
param(
    [Parameter(Mandatory)] $Sandbox,
    [Parameter(Mandatory)] [string] $ModuleManifest
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModuleManifest -Force
$env:KUBECONFIG = $Sandbox.kubeconfig

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }
function Show($InputObject) { $InputObject | Out-Host; $InputObject }

$configPaths = @($Sandbox.localCluster.nodes.configDir)
$localCredential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))

Write-Step 'Find the ECK cluster'
$eck = Show (Get-EckCluster -Namespace elastic -Name quickstart)

Write-Step 'Enable its remote cluster server (a rolling restart; -Wait follows it)'
$eck = Show ($eck | Enable-EckRemoteClusterServer -Wait -Force)

Write-Step 'Expose the remote cluster server outside Kubernetes'
$endpoint = Show ($eck | Publish-EckRemoteClusterServer -Type LoadBalancer)

Write-Step "Fetch ECK's transport CA"
$ca = Show ($eck | Get-EckTransportCa)

Write-Step 'Connect to the ECK cluster (port-forward or load balancer, its elastic user, its HTTP CA)'
$remote = Show ($eck | New-ElasticsearchConnection)

Write-Step 'Demo data: three documents in logs-demo on the ECK cluster'
foreach ($i in 1..3) {
    $null = $remote | Invoke-ElasticsearchRequest PUT "/logs-demo/_doc/$($i)?refresh=true" @{ message = "hello from ECK #$i"; service = 'checkout' }
}

Write-Step 'Create a cross-cluster API key on the ECK cluster'
$key = Show ($remote | New-CrossClusterApiKey -Name demo-self-managed -Alias eck -SearchIndex 'logs-*')

Write-Step 'Connect to the self-managed cluster'
$local = Show (New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $localCredential -CertificateAuthority $Sandbox.localCluster.httpCaPath)

Write-Step 'Write the key into every node keystore and reload secure settings'
Show ($key | Add-RemoteClusterCredential -Alias eck -ConfigPath $configPaths -Connection $local) | Out-Null

Write-Step "Trust ECK's CA on every node (remote-cluster-ca.crt and elasticsearch.yml)"
$trust = Show ($ca | Add-RemoteClusterTrust -ConfigPath $configPaths -WarningAction SilentlyContinue)

Write-Step 'Restart the nodes whose static settings changed (sandbox control API; systemctl or Restart-Service on real hosts)'
foreach ($node in $trust | Where-Object RestartRequired) {
    $name = (Get-ElasticsearchNodeConfig $node.ConfigPath).NodeName
    Invoke-RestMethod -Method Post -Uri "$($Sandbox.controlApi)/nodes/$name/restart" | Out-Null
    Write-Host "  restarted $name"
}

Write-Step 'Register the remote in proxy mode and wait until it is connected'
Show ($endpoint | Connect-RemoteCluster -Connection $local -Alias eck) | Out-Null

Write-Step 'Test it, with a cross-cluster search of eck:logs-*'
$test = Test-RemoteCluster -Connection $local -Alias eck -ConfigPath $configPaths -SearchIndex 'logs-*'
$test | Format-List Alias, Connected, SecurityModel, Address, ServerName, SearchedIndex, SearchHits | Out-Host
$test.SampleDocuments | ForEach-Object { Write-Host "  $_" }
if (-not $test.Connected -or $test.SearchHits -lt 1) { throw "The demo did not end connected with documents: $($test.Cause) $($test.Evidence)" }
Write-Host "`nConnected: the self-managed cluster searched the ECK cluster's documents through the API-key model." -ForegroundColor Green

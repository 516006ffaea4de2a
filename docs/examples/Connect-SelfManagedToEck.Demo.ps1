<#
.SYNOPSIS
    The whole API-key workflow, self-managed cluster -> ECK cluster, run against the sandbox by ./build.ps1 Demo.
.DESCRIPTION
    Every step is the same pipeline an administrator runs against real clusters (README, "For a real cluster");
    only where the inputs come from differs: here, the sandbox's sandbox.json. The self-managed nodes are reached
    the way real ones are, through PowerShell remoting over SSH: each sandbox node plays a host of its own, with a
    real OpenSSH server on 127.0.0.1 (tests/Pester/SshTestHost.psm1) whose sessions see the node's systemd
    (a stand-in systemctl that restarts it). Two things are sandbox-only and marked so: starting those SSH servers
    when -SshHosts is not given, and the demo documents it indexes on the remote.
.PARAMETER SshHosts
    One per self-managed node, in the order of sandbox.json: HostName, Port, UserName, KeyFilePath, KnownHostsPath
    (what Start-SshTestHost returns). When left out the demo starts them and stops them at the end.
#>
param(
    [Parameter(Mandatory)] $Sandbox,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [object[]] $SshHosts
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModuleManifest -Force
$env:KUBECONFIG = $Sandbox.kubeconfig

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }
function Show($InputObject) { $InputObject | Out-Host; $InputObject }

$localCredential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))

# Sandbox-only: an sshd per self-managed node, its stand-in systemctl first on the sessions' PATH.
$startedHosts = @()
if (-not $SshHosts) {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'tests' 'Pester' 'SshTestHost.psm1') -Force
    $SshHosts = $startedHosts = @(Start-SandboxSshHosts $Sandbox)
}

try {
    Write-Step 'Open a PowerShell session to every self-managed node over SSH (the nodes need PowerShell, not this module)'
    $sessions = foreach ($node in $SshHosts) {
        New-PSSession -Name $node.Name -HostName $node.HostName -Port $node.Port -UserName $node.UserName -KeyFilePath $node.KeyFilePath `
            -Options @{ UserKnownHostsFile = $node.KnownHostsPath; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' }
    }
    $sessions | Format-Table Id, Name, ComputerName, Transport, State | Out-Host

    Write-Step 'Find the ECK cluster'
    $eck = Show (Get-EckCluster -Namespace elastic -Name quickstart)

    Write-Step 'Enable its remote cluster server (starts a rolling restart of the ECK cluster, which goes on while the next steps run)'
    $eck = Show ($eck | Enable-EckRemoteClusterServer -Force)

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

    Write-Step 'Write the key into every node keystore through its session (config dir found on the node) and reload secure settings'
    Show ($key | Add-RemoteClusterCredential -Alias eck -Session $sessions -Connection $local -Verbose 4>&1 |
        ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { if ($_.Message -like '*config directory*') { Write-Host "  $($_.Message)" } } else { $_ } }) | Out-Null

    Write-Step "Trust ECK's CA on every node (remote-cluster-ca.crt and elasticsearch.yml)"
    $trust = Show ($ca | Add-RemoteClusterTrust -Session $sessions -WarningAction SilentlyContinue)

    Write-Step 'Rolling restart of the nodes whose static settings changed, while ECK''s goes on (allocation primaries, flush, systemctl restart, same node id back, allocation back, health as before)'
    Show ($trust | Restart-ElasticsearchNode -Connection $local -Force) | Out-Null

    Write-Step 'Expose the remote cluster server outside Kubernetes (its address is handed out once ECK''s restarted nodes answer there)'
    $endpoint = Show ($eck | Publish-EckRemoteClusterServer -Type LoadBalancer)

    Write-Step 'Register the remote in proxy mode and wait until it is connected'
    Show ($endpoint | Connect-RemoteCluster -Connection $local -Alias eck) | Out-Null

    Write-Step 'Test it, with a cross-cluster search of eck:logs-*'
    $test = Test-RemoteCluster -Connection $local -Alias eck -Session $sessions -SearchIndex 'logs-*'
    $test | Format-List Alias, Connected, SecurityModel, Address, ServerName, SearchedIndex, SearchHits | Out-Host
    $test.SampleDocuments | ForEach-Object { Write-Host "  $_" }
    if (-not $test.Connected -or $test.SearchHits -lt 1) { throw "The demo did not end connected with documents: $($test.Cause) $($test.Evidence)" }
    Write-Host "`nConnected: the self-managed cluster searched the ECK cluster's documents through the API-key model." -ForegroundColor Green
}
finally {
    $sessions | Remove-PSSession -ErrorAction SilentlyContinue
    $startedHosts | Stop-SshTestHost
}

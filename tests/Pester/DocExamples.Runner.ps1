<#
Runs documented examples one after the other, as a runbook would, in this process: started by DocExamples.Tests.ps1
as `pwsh -NonInteractive -File` with its standard input a pipe of its own that is closed at once (CI has no stdin).
-PlanPath is a JSON file: SandboxJson, ModulePath, WorkingDirectory, ResultPath, SshHosts, HighImpact and Examples
(Id, File, Line, Runbook, Shares, Code with the placeholders already bound). For each example it appends to ResultPath one
JSON line when it starts and one with the outcome: Passed, or Failed with the ErrorId, the message and the line of the
documentation file where the error arose.

What the examples are given, beside the text mapping of DocExamples.psm1 (the rest of the mapping):
  $local              New-ElasticsearchConnection to the sandbox's self-managed cluster, as its elastic user
  $eck                Get-EckCluster -Namespace elastic -Name quickstart
  $remote             $eck | New-ElasticsearchConnection
  $nodes, $sessions   PSSessions over SSH to every self-managed node (tests/Pester/SshTestHost.psm1)
  $ca                 $eck | Get-EckTransportCa
  Get-Credential      returns the sandbox's elastic credential without asking
  New-PSSession       -HostName es1, es2 gives SSH sessions to the sandbox's first and second node (user, key and
                      known hosts of the test's sshd), opened once for all examples; -ComputerName (WinRM) is refused
  Get-Secret, Set-Secret
                      a stand-in Microsoft.PowerShell.SecretManagement (first on PSModulePath) with an in-memory
                      vault that holds es-local-admin (the elastic PSCredential) and es-dc1 (its password)
  ./http_ca.crt       the self-managed cluster's HTTP CA; ./ca.crt its transport CA; ./eck_transport_ca.crt ECK's
  logs-demo           three documents on the ECK cluster, so a cross-cluster search of logs-* finds something
A ConfirmImpact High cmdlet of this module gets -Force by $PSDefaultParameterValues in examples that are not runbooks
(an interactive example shows the prompt; a runbook adds -Force, which the static check demands of runbook examples).
#>
param([Parameter(Mandatory)] [string] $PlanPath)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
$plan = Get-Content $PlanPath -Raw | ConvertFrom-Json -Depth 20
$sandbox = Get-Content $plan.SandboxJson -Raw | ConvertFrom-Json -Depth 20

function Write-Result([hashtable] $Result) {
    Add-Content -Path $plan.ResultPath -Value ($Result | ConvertTo-Json -Compress -Depth 5)
}

Set-Location $plan.WorkingDirectory
$env:KUBECONFIG = $sandbox.kubeconfig
$env:ECKRC_EXAMPLE_SANDBOX = $plan.SandboxJson

# The stand-in vault module, first on PSModulePath; the built module next.
$vault = Join-Path $plan.WorkingDirectory 'modules' 'Microsoft.PowerShell.SecretManagement'
New-Item -ItemType Directory $vault -Force | Out-Null
Set-Content (Join-Path $vault 'Microsoft.PowerShell.SecretManagement.psd1') "@{ RootModule = 'Microsoft.PowerShell.SecretManagement.psm1'; ModuleVersion = '1.1.2'; FunctionsToExport = 'Get-Secret', 'Set-Secret' }"
Set-Content (Join-Path $vault 'Microsoft.PowerShell.SecretManagement.psm1') @'
# Stand-in for the documented examples: an in-memory vault seeded with the sandbox's elastic user.
$sandbox = Get-Content $env:ECKRC_EXAMPLE_SANDBOX -Raw | ConvertFrom-Json
$password = ConvertTo-SecureString $sandbox.localCluster.elasticPassword -AsPlainText -Force
$script:Secrets = @{ 'es-local-admin' = [pscredential]::new($sandbox.localCluster.username, $password); 'es-dc1' = $password }
function Set-Secret {
    param([Parameter(Mandatory, Position = 0)] [string] $Name, [Parameter(Position = 1)] [object] $Secret, [securestring] $SecureStringSecret, [string] $Vault)
    $script:Secrets[$Name] = if ($SecureStringSecret) { $SecureStringSecret } else { $Secret }
}
function Get-Secret {
    param([Parameter(Mandatory, Position = 0)] [string] $Name, [string] $Vault, [switch] $AsPlainText)
    if (-not $script:Secrets.ContainsKey($Name)) { throw "Get-Secret: no secret '$Name' in the stand-in vault." }
    $value = $script:Secrets[$Name]
    if ($AsPlainText -and $value -is [securestring]) { return [pscredential]::new('x', $value).GetNetworkCredential().Password }
    $value
}
'@
$env:PSModulePath = (@((Join-Path $plan.WorkingDirectory 'modules')) + @($plan.ModulePath) + @($env:PSModulePath)) -join [IO.Path]::PathSeparator
Import-Module EckRemoteCluster

$credential = [pscredential]::new($sandbox.localCluster.username, (ConvertTo-SecureString $sandbox.localCluster.elasticPassword -AsPlainText -Force))

function global:Get-Credential {
    param([Parameter(Position = 0)] [string] $UserName, [string] $Message, [string] $Title)
    $credential
}

# es1, es2 ... are the sandbox's nodes in order, each behind its own sshd on 127.0.0.1. A session to a node is opened
# once and handed to every example that asks for one (an SSH session costs seconds on a busy machine).
$nodeSessions = @{}
function global:New-PSSession {
    param([Parameter(Position = 0)] [string[]] $HostName, [string[]] $ComputerName, [string] $UserName, [string] $KeyFilePath, [string[]] $Name)
    if ($ComputerName) { throw 'New-PSSession -ComputerName (WinRM) is not available here: the sandbox''s nodes are reached over SSH.' }
    foreach ($host_ in $HostName) {
        if ($host_ -notmatch '^es(\d+)$' -or [int] $Matches[1] -gt @($plan.SshHosts).Count) { throw "New-PSSession: no sandbox node stands for host '$host_'." }
        $open = $nodeSessions[$host_]
        if (-not $open -or $open.State -ne 'Opened') {
            $ssh = @($plan.SshHosts)[[int] $Matches[1] - 1]
            $open = $nodeSessions[$host_] = Microsoft.PowerShell.Core\New-PSSession -HostName $ssh.HostName -Port $ssh.Port -UserName $ssh.UserName -KeyFilePath $ssh.KeyFilePath -Name $host_ `
                -Options @{ UserKnownHostsFile = $ssh.KnownHostsPath; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' }
        }
        $open
    }
}

$local = New-ElasticsearchConnection -Uri $sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $sandbox.localCluster.httpCaPath
$eck = Get-EckCluster -Namespace elastic -Name quickstart
$remote = $eck | New-ElasticsearchConnection
$ca = $eck | Get-EckTransportCa
$nodes = $sessions = @(New-PSSession -HostName es1, es2)
Copy-Item $sandbox.localCluster.httpCaPath ./http_ca.crt
Set-Content ./ca.crt (Get-ElasticsearchTransportCa -ConfigPath $sandbox.localCluster.nodes[0].configDir).Pem
Set-Content ./eck_transport_ca.crt $ca.Pem
foreach ($i in 1..3) {
    $null = $remote | Invoke-ElasticsearchRequest PUT "/logs-demo/_doc/$($i)?refresh=true" @{ message = "hello from ECK #$i" } -Confirm:$false
}
$force = @{}
foreach ($name in $plan.HighImpact) { $force["$($name):Force"] = $true }

# Each example runs in a directory of its own holding the shared files (the fixtures, and what the examples marked
# Shares wrote, such as ./estate.yaml), so one example's ./dc1.yaml is not in the way of the next one's.
$shared = (Get-Location).Path
$index = 0
foreach ($example in $plan.Examples) {
    $index++
    $own = Join-Path $shared "example-$index"
    New-Item -ItemType Directory $own | Out-Null
    Get-ChildItem $shared -File | Copy-Item -Destination $own
    Set-Location $own
    # A session an earlier example's failure left closed is opened again, so one failure does not fail the rest.
    if (@($nodes | Where-Object State -ne 'Opened')) { $nodes = $sessions = @(New-PSSession -HostName es1, es2) }
    Write-Result @{ Id = $example.Id; State = 'Started' }
    $PSDefaultParameterValues = if ($example.Runbook) { @{} } else { $force.Clone() }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $failure = $null
    # Collected as it comes, so what an example wrote before it failed is kept too.
    $collected = [Collections.Generic.List[object]]::new()
    try {
        $block = [scriptblock]::Create($example.Code)
        & { $ErrorActionPreference = 'Stop'; & $block } *>&1 | ForEach-Object { $collected.Add($_) }
        if (($collected | Out-String) -match 'Read and Prompt functionality is not available') { throw 'It tried to prompt.' }
    }
    catch {
        $record = $_
        # The line in the documentation file: the example's first line plus the line within it, when the error has one.
        $within = $record.InvocationInfo.ScriptLineNumber
        $sameCode = $record.InvocationInfo.ScriptName -eq '' -and $within -ge 1 -and $within -le ($example.Code -split "`n").Count
        $failure = @{
            ErrorId = $record.FullyQualifiedErrorId
            Message = $record.Exception.Message
            Action  = if ($record.ErrorDetails) { $record.ErrorDetails.RecommendedAction } else { $null }
            At      = if ($sameCode) { "$($example.File):$($example.Line + $within - 1)" } else { $example.Id }
        }
    }
    $output = $collected | Out-String -Width 200
    Set-Location $shared
    if ($example.Shares -and -not $failure) { Get-ChildItem $own -File | Copy-Item -Destination $shared -Force }
    Get-PSSession | Where-Object { $_.InstanceId -notin @($nodeSessions.Values.InstanceId) } | Remove-PSSession -ErrorAction SilentlyContinue
    $PSDefaultParameterValues = @{}
    Write-Result @{
        Id      = $example.Id
        State   = if ($failure) { 'Failed' } else { 'Passed' }
        Seconds = [Math]::Round($watch.Elapsed.TotalSeconds, 1)
        Failure = $failure
        Output  = if ($output.Length -gt 4000) { $output.Substring(0, 4000) + '...' } else { $output }
    }
}
Get-PSSession | Remove-PSSession -ErrorAction SilentlyContinue

# Shared by the Pester suite: where the built module is, how to run a fresh pwsh, how to start a sandbox.
Set-StrictMode -Version 3.0

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path

function Get-RepositoryRoot { $script:RepositoryRoot }

function Get-BuiltModuleManifest {
    $version = (Import-PowerShellDataFile (Join-Path $script:RepositoryRoot 'EckRemoteCluster.psd1')).ModuleVersion
    $manifest = Join-Path $script:RepositoryRoot 'out' 'EckRemoteCluster' $version 'EckRemoteCluster.psd1'
    if (-not (Test-Path $manifest)) { throw "The module is not built: run ./build.ps1 Build first ($manifest)." }
    $manifest
}

function Get-NuGetPackagePath([string] $Id, [string] $Version) {
    $folder = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    Join-Path $folder $Id.ToLowerInvariant() $Version
}

# The command line that starts another pwsh like this one: under `dotnet pwsh` the process is dotnet itself.
function Get-PwshCommandLine {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    @($process)
}

<#
Runs a script in a new pwsh process (no profile, its own empty stdin) and returns what it wrote to the output
stream, deserialized from JSON: the script's last output must be an object to compare.
#>
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $file = Join-Path ([IO.Path]::GetTempPath()) "eckrc-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content -Path $file -Value "`$ErrorActionPreference = 'Stop'`n$Script"
    $saved = @{}
    try {
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -OutputFormat Text -File $file 2>&1
        if ($LASTEXITCODE -ne 0) { throw "pwsh exited with $LASTEXITCODE`: $($output -join "`n")" }
        ($output -join "`n") | ConvertFrom-Json -Depth 10
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

<#
Starts a script in a new pwsh process and returns at once, for runs a test stops, kills or breaks midway. The child gets
a standard input pipe of its own (it never reads the test's), and its output and error streams are copied to files as
they come (so a full pipe never blocks it); Stop-PwshProcess waits for it, bounded, and returns what it wrote.
#>
function Start-PwshProcess {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $directory = Join-Path ([IO.Path]::GetTempPath()) "eckrc-run-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory $directory | Out-Null
    $file = Join-Path $directory 'run.ps1'
    Set-Content -Path $file -Value "`$ErrorActionPreference = 'Stop'`n$Script"
    $pwsh = Get-PwshCommandLine
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $start.ArgumentList.Add($argument) }
    foreach ($name in $Environment.Keys) { $start.Environment[$name] = [string] $Environment[$name] }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $outputFile = Join-Path $directory 'stdout.txt'
    $errorFile = Join-Path $directory 'stderr.txt'
    $output = [IO.FileStream]::new($outputFile, [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::ReadWrite)
    $errors = [IO.FileStream]::new($errorFile, [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::ReadWrite)
    [pscustomobject]@{
        Process   = $process
        Directory = $directory
        Copying   = @($process.StandardOutput.BaseStream.CopyToAsync($output), $process.StandardError.BaseStream.CopyToAsync($errors))
        Streams   = @($output, $errors)
        Output    = $outputFile
        Error     = $errorFile
    }
}

<#
Waits (at most -TimeoutSeconds; then kills it) for a process from Start-PwshProcess to end and returns ExitCode, Output
and Error. -Kill ends it at once, as kill -9 does.
#>
function Stop-PwshProcess {
    param([Parameter(Mandatory, ValueFromPipeline)] $Run, [int] $TimeoutSeconds = 120, [switch] $Kill)
    process {
        $timedOut = $false
        if ($Kill) { $Run.Process.Kill($true) }
        if (-not $Run.Process.WaitForExit($TimeoutSeconds * 1000)) {
            $Run.Process.Kill($true)
            $null = $Run.Process.WaitForExit(10000)
            $timedOut = $true
        }
        $null = [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]] $Run.Copying, 10000)
        $Run.Streams | ForEach-Object Dispose
        $result = [pscustomobject]@{
            ExitCode = $Run.Process.ExitCode
            TimedOut = $timedOut
            Output   = Get-Content $Run.Output -Raw
            Error    = Get-Content $Run.Error -Raw
        }
        $Run.Process.Dispose()
        Remove-Item $Run.Directory -Recurse -Force -ErrorAction SilentlyContinue
        $result
    }
}

<#
Starts a sandbox (built by ./build.ps1 Test) in its own state directory and waits for its sandbox.json.
One sandbox per test file: call it in BeforeAll and Stop-TestSandbox in AfterAll. The sandbox stops when its
standard input closes, so it cannot outlive the test process even if AfterAll never runs.
Returns the parsed sandbox.json with two extra properties: Process and StateDirectory.
#>
function Start-TestSandbox {
    # The timeout only bounds a sandbox that never comes up (an exit is noticed at once): on a loaded 2-core machine a
    # start-up takes well over a minute.
    param([string[]] $ArgumentList = @(), [int] $TimeoutSeconds = 300)
    $dll = Join-Path $script:RepositoryRoot 'tests' 'Sandbox' 'bin' 'Release' 'net10.0' 'Sandbox.dll'
    if (-not (Test-Path $dll)) { throw "The sandbox is not built: run ./build.ps1 Test (or dotnet build tests/Sandbox -c Release) first ($dll)." }
    $state = Join-Path ([IO.Path]::GetTempPath()) "eck-sandbox-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    New-Item -ItemType Directory $state | Out-Null
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($dll, '--state-dir', $state, '--rollout', 'instant') + $ArgumentList) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    # Drain the sandbox's output into files so a full pipe never blocks it; they help when a test fails.
    $stdout = [IO.File]::CreateText((Join-Path $state 'sandbox.stdout.log'))
    $stderr = [IO.File]::CreateText((Join-Path $state 'sandbox.stderr.log'))
    $null = $process.StandardOutput.BaseStream.CopyToAsync($stdout.BaseStream)
    $null = $process.StandardError.BaseStream.CopyToAsync($stderr.BaseStream)

    $descriptor = Join-Path $state 'sandbox.json'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path $descriptor)) {
        if ($process.HasExited) { throw "The sandbox exited with $($process.ExitCode) before it was ready; see $state." }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw "The sandbox was not ready within $TimeoutSeconds s; see $state." }
        Start-Sleep -Milliseconds 100
    }
    $sandbox = Get-Content $descriptor -Raw | ConvertFrom-Json -Depth 20
    $sandbox | Add-Member -NotePropertyName Process -NotePropertyValue $process
    $sandbox | Add-Member -NotePropertyName StateDirectory -NotePropertyValue $state
    $sandbox | Add-Member -NotePropertyName Logs -NotePropertyValue @($stdout, $stderr)
    # The helpers below default to the sandbox started last (one per test file).
    $script:CurrentSandbox = $sandbox
    $sandbox
}

function Stop-TestSandbox {
    # Null when Start-TestSandbox failed in BeforeAll: AfterAll then has nothing to stop and must not add a second error.
    param($Sandbox)
    if ($null -eq $Sandbox) { return }
    if ($script:CurrentSandbox -eq $Sandbox) { $script:CurrentSandbox = $null }
    if (-not $Sandbox.Process.HasExited) {
        $Sandbox.Process.StandardInput.Close()
        if (-not $Sandbox.Process.WaitForExit(10000)) { $Sandbox.Process.Kill($true) }
    }
    foreach ($log in $Sandbox.Logs) { $log.Dispose() }
    Remove-Item $Sandbox.StateDirectory -Recurse -Force -ErrorAction SilentlyContinue
}

$script:CurrentSandbox = $null

function Get-CurrentSandbox {
    if ($null -eq $script:CurrentSandbox) { throw 'No sandbox: call Start-TestSandbox in BeforeAll first, or pass -Sandbox.' }
    $script:CurrentSandbox
}

<# Calls the sandbox's control API (request log, faults, rollout, node restarts, settle). #>
function Invoke-SandboxControl {
    param($Sandbox = (Get-CurrentSandbox), [string] $Method = 'GET', [Parameter(Mandatory)] [string] $Path, $Body)
    $uri = ($Sandbox.controlApi.TrimEnd('/')) + $Path
    $arguments = @{ Method = $Method; Uri = $uri }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $arguments.ContentType = 'application/json' }
    # Invoke-RestMethod writes a JSON array as one object; writing the variable enumerates it, one entry per object.
    $result = Invoke-RestMethod @arguments
    $result
}

<#
The sandbox's request log, one object per request (time, user, method, path, status, mutating, target), optionally
only the mutating ones and those whose path matches -PathLike ('/api*' for Kubernetes, '/_security*' ...).
#>
function Get-RequestLog {
    param($Sandbox = (Get-CurrentSandbox), [switch] $Mutating, [string] $PathLike = '*')
    # Invoke-RestMethod returns a JSON array as one object: unroll it before filtering.
    @(Invoke-SandboxControl -Sandbox $Sandbox -Path '/requests') | ForEach-Object { $_ } |
        Where-Object { (-not $Mutating -or $_.mutating) -and $_.path -like $PathLike }
}

function Clear-RequestLog {
    param($Sandbox = (Get-CurrentSandbox))
    Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/requests' | Out-Null
}

function Add-SandboxFault {
    param([Parameter(Mandatory, Position = 0)] [hashtable] $Fault, $Sandbox = (Get-CurrentSandbox))
    Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/faults' -Body $Fault | Out-Null
}

function Clear-SandboxFault {
    param($Sandbox = (Get-CurrentSandbox))
    Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/faults' | Out-Null
}

<#
Waits until the sandbox's ECK operator and load balancers have acted on every change made so far (POST /settle): a
patched ConfigMap rolled out, a new Service listening. Use it after a change whose effect is asynchronous.
#>
function Wait-SandboxSettled {
    param($Sandbox = (Get-CurrentSandbox), [int] $TimeoutSeconds = 120)
    $uri = ($Sandbox.controlApi.TrimEnd('/')) + "/settle?timeoutSeconds=$TimeoutSeconds"
    Invoke-RestMethod -Method POST -Uri $uri -TimeoutSec ($TimeoutSeconds + 30) | Out-Null
}

<# Every file under the given node config directories, with its hash, sorted: compare two to prove nothing was written. #>
function Get-NodeFileSnapshot {
    param([Parameter(Mandatory, Position = 0)] [string[]] $Path)
    $Path | ForEach-Object { Get-ChildItem $_ -File -Recurse | ForEach-Object { "$($_.FullName)=$((Get-FileHash $_.FullName).Hash)" } } | Sort-Object
}

<# Restarts one self-managed node of the sandbox, found by its config directory, and waits until it is back. #>
function Restart-LocalNode {
    param([Parameter(Mandatory, Position = 0)] [string] $ConfigPath, $Sandbox = (Get-CurrentSandbox))
    $name = (Get-ElasticsearchNodeConfig $ConfigPath).NodeName
    Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path "/nodes/$name/restart" | Out-Null
}

<# A connection to the sandbox's self-managed cluster as its elastic user. #>
function Connect-LocalCluster {
    param($Sandbox = (Get-CurrentSandbox))
    $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
}

<#
Polls -Condition until it returns a true value and returns that value: for states that only a fresh check can
see (a new connection, a file the product writes). Fails with -Because and the last value after -TimeoutSeconds,
which only bounds a failing wait.
#>
function Wait-Condition {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $Condition, [int] $TimeoutSeconds = 60, [string] $Because = 'the condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $delay = 50
    while ($true) {
        $value = & $Condition
        if ($value) { return $value }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $Because (last: $($value | Out-String))." }
        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min($delay * 2, 1000)
    }
}

<#
The restartCommand an estate file gives for the sandbox's self-managed nodes: a POST to the control API's restart
route for the node in $_, as systemd through a session would restart it on a real host.
#>
function Get-SandboxNodeRestartCommand {
    param($Sandbox = (Get-CurrentSandbox))
    "Invoke-RestMethod -Method POST -Uri ('$($Sandbox.controlApi.TrimEnd('/'))/nodes/{0}/restart' -f `$_.NodeName) | Out-Null"
}

Export-ModuleMember -Function Get-RepositoryRoot, Get-BuiltModuleManifest, Get-NuGetPackagePath, Get-PwshCommandLine, Invoke-FreshPwsh,
    Start-PwshProcess, Stop-PwshProcess,
    Start-TestSandbox, Stop-TestSandbox, Invoke-SandboxControl, Get-RequestLog, Clear-RequestLog, Add-SandboxFault, Clear-SandboxFault,
    Wait-SandboxSettled, Get-NodeFileSnapshot, Restart-LocalNode, Connect-LocalCluster, Wait-Condition, Get-SandboxNodeRestartCommand

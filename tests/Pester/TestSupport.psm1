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
Starts a sandbox (built by ./build.ps1 Test) in its own state directory and waits for its sandbox.json.
One sandbox per test file: call it in BeforeAll and Stop-TestSandbox in AfterAll. The sandbox stops when its
standard input closes, so it cannot outlive the test process even if AfterAll never runs.
Returns the parsed sandbox.json with two extra properties: Process and StateDirectory.
#>
function Start-TestSandbox {
    param([string[]] $ArgumentList = @(), [int] $TimeoutSeconds = 60)
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
    $sandbox
}

function Stop-TestSandbox {
    param([Parameter(Mandatory)] $Sandbox)
    if (-not $Sandbox.Process.HasExited) {
        $Sandbox.Process.StandardInput.Close()
        if (-not $Sandbox.Process.WaitForExit(10000)) { $Sandbox.Process.Kill($true) }
    }
    foreach ($log in $Sandbox.Logs) { $log.Dispose() }
    Remove-Item $Sandbox.StateDirectory -Recurse -Force -ErrorAction SilentlyContinue
}

<# Calls the sandbox's control API (request log, faults, rollout, node restarts). #>
function Invoke-SandboxControl {
    param([Parameter(Mandatory)] $Sandbox, [string] $Method = 'GET', [Parameter(Mandatory)] [string] $Path, $Body)
    $uri = ($Sandbox.controlApi.TrimEnd('/')) + $Path
    $arguments = @{ Method = $Method; Uri = $uri }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $arguments.ContentType = 'application/json' }
    # Invoke-RestMethod writes a JSON array as one object; writing the variable enumerates it, one entry per object.
    $result = Invoke-RestMethod @arguments
    $result
}

Export-ModuleMember -Function Get-RepositoryRoot, Get-BuiltModuleManifest, Get-NuGetPackagePath, Get-PwshCommandLine, Invoke-FreshPwsh, Start-TestSandbox, Stop-TestSandbox, Invoke-SandboxControl

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

Export-ModuleMember -Function Get-RepositoryRoot, Get-BuiltModuleManifest, Get-NuGetPackagePath, Get-PwshCommandLine, Invoke-FreshPwsh

# Runs on the node (Windows PowerShell 5.1 or PowerShell 7; no module needed). Finds the node's config directory, in
# this order: -ConfigPath; ES_PATH_CONF of the service (systemd unit Environment= and EnvironmentFile=, or the Windows
# service's environment and procrun's -Des.path.conf); the package default /etc/elasticsearch; the MSI's
# %ProgramData%\Elastic\Elasticsearch\config; -Des.path.conf= of a running Elasticsearch process. A directory counts
# when it holds elasticsearch.yml. Returns where it was found and why, what was tried, and the host's identity.
param([string] $ConfigPath, [string] $ServiceName)
$ErrorActionPreference = 'Stop'
$windows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
$tried = New-Object System.Collections.Generic.List[string]
$state = @{ Found = $null; Source = $null }

function Test-ConfigDirectory([string] $Path, [string] $Why) {
    if (-not $Path) { return $false }
    $tried.Add("$Why -> $Path")
    if (Test-Path -LiteralPath (Join-Path $Path 'elasticsearch.yml') -PathType Leaf) {
        $state.Found = (Resolve-Path -LiteralPath $Path).ProviderPath
        $state.Source = $Why
        return $true
    }
    $false
}

function Get-PathConfFromArguments([string[]] $Arguments) {
    foreach ($argument in $Arguments) { if ($argument -like '-Des.path.conf=*') { return $argument.Substring('-Des.path.conf='.Length).Trim('"') } }
}

if ($ConfigPath) {
    if (-not (Test-ConfigDirectory $ConfigPath '-ConfigPath')) {
        throw "There is no elasticsearch.yml in [$ConfigPath] on this node."
    }
}

if (-not $state.Found -and -not $windows) {
    $unit = if ($ServiceName) { $ServiceName } else { 'elasticsearch.service' }
    $systemctl = Get-Command systemctl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($systemctl) {
        $candidate = $null
        foreach ($pair in -split [string](& $systemctl.Source show $unit -p Environment --value 2>$null)) {
            if ($pair -like 'ES_PATH_CONF=*') { $candidate = $pair.Substring('ES_PATH_CONF='.Length) }
        }
        # EnvironmentFile= is read after Environment=, so a value there wins (the packages' /etc/default/elasticsearch).
        foreach ($entry in [string](& $systemctl.Source show $unit -p EnvironmentFiles --value 2>$null) -split "`n") {
            $file = ($entry -replace '\s*\(ignore_errors=\w+\)\s*$', '').Trim()
            if ($file -and (Test-Path -LiteralPath $file -PathType Leaf)) {
                foreach ($line in Get-Content -LiteralPath $file) {
                    if ($line -match '^\s*ES_PATH_CONF\s*=\s*"?([^"#]*?)"?\s*$') { $candidate = $Matches[1] }
                }
            }
        }
        $null = Test-ConfigDirectory $candidate "ES_PATH_CONF of systemd unit $unit"
    }
}

if (-not $state.Found -and $windows) {
    $service = if ($ServiceName) { $ServiceName } else { 'elasticsearch-service-x64' }
    $environment = (Get-ItemProperty -LiteralPath "HKLM:\SYSTEM\CurrentControlSet\Services\$service" -Name Environment -ErrorAction SilentlyContinue).Environment
    foreach ($pair in @($environment)) { if ($pair -like 'ES_PATH_CONF=*') { $null = Test-ConfigDirectory $pair.Substring(13) "ES_PATH_CONF of Windows service $service" } }
    if (-not $state.Found) {
        foreach ($root in 'HKLM:\SOFTWARE\WOW6432Node\Apache Software Foundation\Procrun 2.0', 'HKLM:\SOFTWARE\Apache Software Foundation\Procrun 2.0') {
            $options = (Get-ItemProperty -LiteralPath "$root\$service\Parameters\Java" -Name Options -ErrorAction SilentlyContinue).Options
            if (-not $state.Found -and $options) { $null = Test-ConfigDirectory (Get-PathConfFromArguments @($options)) "-Des.path.conf of Windows service $service" }
        }
    }
}

if (-not $state.Found -and -not $windows) { $null = Test-ConfigDirectory '/etc/elasticsearch' 'package default' }
if (-not $state.Found -and $windows -and $env:ProgramData) {
    $null = Test-ConfigDirectory (Join-Path $env:ProgramData 'Elastic\Elasticsearch\config') 'MSI default'
}

if (-not $state.Found) {
    if ($windows) {
        foreach ($process in Get-CimInstance Win32_Process -Filter "Name = 'java.exe'" -ErrorAction SilentlyContinue) {
            if (-not $state.Found) { $null = Test-ConfigDirectory (Get-PathConfFromArguments ($process.CommandLine -split '\s+')) "path.conf of running process $($process.ProcessId)" }
        }
    }
    else {
        foreach ($directory in Get-ChildItem -LiteralPath /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            if ($state.Found) { break }
            try { $arguments = [IO.File]::ReadAllText("$($directory.FullName)/cmdline") -split [char] 0 } catch { continue }
            if ($arguments -match '^org\.elasticsearch\.' -or $arguments -like '-Des.path.conf=*') {
                $null = Test-ConfigDirectory (Get-PathConfFromArguments $arguments) "path.conf of running process $($directory.Name)"
            }
        }
    }
}

$elevated = if ($windows) {
    ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
} else { [string](& id -u) -eq '0' }

New-Object PSObject -Property @{
    Platform     = if ($windows) { 'Windows' } else { 'Unix' }
    HostName     = [Environment]::MachineName
    UserName     = [Environment]::UserName
    Elevated     = [bool] $elevated
    ConfigPath   = $state.Found
    ConfigSource = $state.Source
    Tried        = [string[]] $tried
    Yml          = if ($state.Found) { [IO.File]::ReadAllBytes((Join-Path $state.Found 'elasticsearch.yml')) } else { $null }
}

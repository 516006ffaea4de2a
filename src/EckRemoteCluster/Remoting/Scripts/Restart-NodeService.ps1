# Runs on the node (Windows PowerShell 5.1 or PowerShell 7; no module needed): restarts the Elasticsearch service and
# returns when the service manager reports it started. systemd: `systemctl restart` (through `sudo -n` when not root;
# the packages' unit is Type=notify, so this returns once Elasticsearch has started). Windows: Restart-Service.
param([string] $ServiceName)
$ErrorActionPreference = 'Stop'
if ([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT) {
    $service = if ($ServiceName) { $ServiceName } else { 'elasticsearch-service-x64' }
    Restart-Service -Name $service
    return
}

$unit = if ($ServiceName) { $ServiceName } else { 'elasticsearch.service' }
$command = @('systemctl', 'restart', $unit)
if ([string](& id -u) -ne '0') { $command = @('sudo', '-n') + $command }
$output = & $command[0] $command[1..($command.Count - 1)] 2>&1
if ($LASTEXITCODE -ne 0) {
    throw ("'{0}' exited with {1}: {2}" -f ($command -join ' '), $LASTEXITCODE, (($output | Out-String).Trim()))
}

# waitLatencyMs of out/bench/summary.json: how long Wait-EckCluster takes to return once the sandbox has written the
# status it waits for. The sandbox stamps every status write when it commits it (control API
# GET /kubernetes/status-changes); the waiting process stamps the moment Wait-EckCluster returned. Both clocks are
# this machine's, so the difference is the watch's delivery, the client's parsing and the cmdlet's return.

# Run in a fresh pwsh with the module imported and warmed up by one untimed rollout. Each run flips the remote
# cluster server (a rolling restart at -SecondsPerPod per pod, slow enough that the wait is watching when the status
# flips) and waits; its only output is one JSON line: per run, the generation waited for and when the wait returned.
function Get-WaitLatencyScript {
@'
param([string] $SandboxJson, [string] $ModuleManifest, [int] $Runs, [int] $SecondsPerPod)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$sandbox = Get-Content $SandboxJson -Raw | ConvertFrom-Json -Depth 20
$env:KUBECONFIG = $sandbox.kubeconfig
Import-Module $ModuleManifest
$body = @{ mode = 'realistic'; secondsPerPod = $SecondsPerPod } | ConvertTo-Json
$null = Invoke-RestMethod -Method Put -Uri "$($sandbox.controlApi)/rollout" -Body $body -ContentType 'application/json'
$measured = foreach ($run in 0..$Runs) {
    $cluster = Get-EckCluster -Namespace elastic -Name quickstart
    $cluster = if ($cluster.RemoteClusterServerEnabled) { $cluster | Disable-EckRemoteClusterServer -Force } else { $cluster | Enable-EckRemoteClusterServer -Force }
    $ready = $cluster | Wait-EckCluster -Timeout 00:05:00
    $returned = [DateTimeOffset]::UtcNow
    # Run 0 warms the engine, the watch and the JIT up: it is not counted.
    if ($run -gt 0) { [ordered]@{ generation = $ready.Generation; returnedTicks = $returned.UtcTicks } }
}
ConvertTo-Json -InputObject @($measured) -Compress
'@
}

# The status write a wait for generation G returns on: the first one with phase Ready and observedGeneration G.
function Get-ReadyStatusChange([object[]] $Changes, [long] $Generation) {
    $Changes | Where-Object { $_.status.phase -eq 'Ready' -and [long] $_.status.observedGeneration -eq $Generation } | Select-Object -First 1
}

function ConvertTo-UtcTicks($Time) {
    if ($Time -is [datetime]) { return [DateTimeOffset]::new($Time.ToUniversalTime()).UtcTicks }
    [DateTimeOffset]::Parse([string] $Time, [Globalization.CultureInfo]::InvariantCulture).UtcTicks
}

# Returns the median latency in ms (one decimal) and prints each run's.
function Invoke-WaitLatencyBench([string] $Root, [int] $Runs = 7, [int] $SecondsPerPod = 1) {
    $state = New-Item -ItemType Directory -Path (Join-Path $Root 'out' 'bench' 'wait-latency') -Force
    $loadBefore = Get-LoadAverageText
    $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $state.FullName -Arguments @('--rollout', 'instant', '--seed', (Get-SandboxSeed))
    try {
        $script = Join-Path $state.FullName 'wait-latency.ps1'
        Set-Content -Path $script -Value (Get-WaitLatencyScript)
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -OutputFormat Text -File $script `
            -SandboxJson (Join-Path $state.FullName 'sandbox.json') -ModuleManifest (Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1') `
            -Runs $Runs -SecondsPerPod $SecondsPerPod 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The Wait-EckCluster latency runs failed (exit code $LASTEXITCODE): $($output -join "`n")" }
        $waits = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $changes = @(Invoke-RestMethod -Uri "$($sandbox.Description.controlApi)/kubernetes/status-changes?kind=Elasticsearch&namespace=elastic&name=quickstart") | ForEach-Object { $_ }
    }
    finally { Stop-DemoSandbox $sandbox }
    $latencies = foreach ($wait in $waits) {
        $change = Get-ReadyStatusChange $changes $wait.generation
        if (-not $change) { throw "The sandbox logged no Ready status for generation $($wait.generation) of elastic/quickstart." }
        ([long] $wait.returnedTicks - (ConvertTo-UtcTicks $change.time)) / [TimeSpan]::TicksPerMillisecond
    }
    Write-Host "  Wait-EckCluster returned after the status flip: $(($latencies | ForEach-Object { '{0:0.0}' -f $_ }) -join ', ') ms (load average $loadBefore before, $(Get-LoadAverageText) after)"
    [math]::Round((Get-Median $latencies), 1)
}

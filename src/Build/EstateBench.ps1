# estate1Seconds, estate20Seconds (instant rollout) and estate1RealisticSeconds, estate20RealisticSeconds of
# out/bench/summary.json: one self-managed cluster linked to 1 and to 20 ECK clusters by one Sync-RemoteClusterEstate
# run, each on a fresh sandbox started with --eck-clusters N. Also what such a sandbox costs: its start time and memory.

# What a sandbox with many ECK clusters costs: seconds from process start to sandbox.json (every cluster Ready), and
# the process's resident memory, peak memory and threads once ready (Linux /proc; null elsewhere).
function Measure-SandboxFootprint($Sandbox, [double] $StartSeconds) {
    $status = "/proc/$($Sandbox.Process.Id)/status"
    $field = { param($Name) if (Test-Path $status) { [double] ((Select-String -Path $status -Pattern "^${Name}:\s+(\d+)").Matches[0].Groups[1].Value) } }
    [ordered]@{
        eckClusters  = @($Sandbox.Description.eckClusters).Count
        eckNodes     = [int] (@($Sandbox.Description.eckNodes.PSObject.Properties | ForEach-Object { @($_.Value.nodes).Count }) | Measure-Object -Sum).Sum
        startSeconds = [math]::Round($StartSeconds, 1)
        rssMiB       = if (Test-Path $status) { [math]::Round((& $field 'VmRSS') / 1KB) } else { $null }
        peakRssMiB   = if (Test-Path $status) { [math]::Round((& $field 'VmHWM') / 1KB) } else { $null }
        threads      = if (Test-Path $status) { [int] (& $field 'Threads') } else { $null }
    }
}

# Starts a sandbox with N ECK clusters, timed from process start to sandbox.json.
function Start-EstateSandbox([string] $Root, [string] $StateDirectory, [int] $Clusters, [string] $Rollout) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $StateDirectory -TimeoutSeconds 900 `
        -Arguments @('--rollout', $Rollout, '--eck-clusters', $Clusters, '--seed', (Get-SandboxSeed))
    $watch.Stop()
    $sandbox | Add-Member -NotePropertyName Footprint -NotePropertyValue (Measure-SandboxFootprint $sandbox $watch.Elapsed.TotalSeconds) -PassThru
}

<#
The estate file (docs/estate.md) for a sandbox: its self-managed cluster (password from an environment variable, nodes
as config directories restarted through the control API), every ECK cluster it seeded through the context whose default namespace holds it, and one
API-key link per ECK cluster, named after it, searching logs-*.
#>
function New-EstateBenchFile($Sandbox, [string] $Path, [string] $PasswordVariable) {
    $local = $Sandbox.localCluster
    $quote = { param([string] $Text) "'" + $Text.Replace("'", "''") + "'" }
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add('version: 1')
    $lines.Add('localClusters:')
    $lines.Add('- name: local')
    $lines.Add("  uri: $(& $quote @($local.nodes.httpUri)[0])")
    $lines.Add("  certificateAuthority: $(& $quote $local.httpCaPath)")
    $lines.Add("  username: $(& $quote $local.username)")
    $lines.Add("  password: { env: $PasswordVariable }")
    $lines.Add('  nodes:')
    foreach ($node in $local.nodes) { $lines.Add("  - configPath: $(& $quote $node.configDir)") }
    # Nodes given as paths are restarted by a command, $_ being the node: here the sandbox's control API.
    $lines.Add("  restartCommand: $(& $quote ('Invoke-RestMethod -Method Post -Uri "' + $Sandbox.controlApi + '/nodes/$($_.NodeName)/restart" | Out-Null'))")
    $lines.Add('eckClusters:')
    foreach ($eck in $Sandbox.eckClusters) {
        $lines.Add("- name: $($eck.name)")
        $lines.Add("  kubeconfig: $(& $quote $Sandbox.kubeconfig)")
        $lines.Add("  context: $($eck.context)")
        $lines.Add("  namespace: $($eck.namespace)")
        $lines.Add("  cluster: $($eck.name)")
        $lines.Add('  serviceType: LoadBalancer')
    }
    $lines.Add('links:')
    foreach ($eck in $Sandbox.eckClusters) {
        $lines.Add("- alias: $($eck.name)")
        $lines.Add('  local: local')
        $lines.Add("  eck: $($eck.name)")
        $lines.Add('  securityModel: ApiKey')
        $lines.Add("  search: ['logs-*']")
    }
    Set-Content -Path $Path -Value $lines -Encoding utf8NoBOM
}

# One timed Sync-RemoteClusterEstate in a fresh pwsh (import not timed), every link at once (-ThrottleLimit: the
# link count); one JSON line: elapsed ms, results, and every link that did not end Converged and connected.
function Get-EstateSyncScript {
@'
param([string] $EstateFile, [string] $ModuleManifest, [string] $Kubeconfig, [int] $ThrottleLimit)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:KUBECONFIG = $Kubeconfig
Import-Module $ModuleManifest
$watch = [Diagnostics.Stopwatch]::StartNew()
$results = @(Sync-RemoteClusterEstate -Path $EstateFile -ThrottleLimit $ThrottleLimit -Force -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue)
$watch.Stop()
$notDone = @($results | Where-Object { "$($_.State)" -ne 'Converged' -or -not $_.Connected } | ForEach-Object { "$_ $($_.Failure)" })
[ordered]@{ elapsedMs = $watch.Elapsed.TotalMilliseconds; results = $results.Count; failures = @($notDone) + @($failures | ForEach-Object { "$_" }) } | ConvertTo-Json -Compress
'@
}

function Invoke-EstateSyncRun([string] $Root, [int] $Clusters, [string] $Rollout) {
    $state = New-Item -ItemType Directory -Path (Join-Path $Root 'out' 'bench' "estate-$Clusters-$Rollout") -Force
    $sandbox = Start-EstateSandbox -Root $Root -StateDirectory $state.FullName -Clusters $Clusters -Rollout $Rollout
    try {
        $estateFile = Join-Path $state.FullName 'estate.yaml'
        $variable = 'ECKRC_BENCH_LOCAL_PASSWORD'
        New-EstateBenchFile -Sandbox $sandbox.Description -Path $estateFile -PasswordVariable $variable
        $script = Join-Path $state.FullName 'estate-sync.ps1'
        Set-Content -Path $script -Value (Get-EstateSyncScript)
        $pwsh = Get-PwshCommandLine
        $previous = [Environment]::GetEnvironmentVariable($variable)
        [Environment]::SetEnvironmentVariable($variable, $sandbox.Description.localCluster.elasticPassword)
        try {
            $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -OutputFormat Text -File $script `
                -EstateFile $estateFile -ModuleManifest (Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1') -Kubeconfig $sandbox.Description.kubeconfig -ThrottleLimit $Clusters 2>&1
        }
        finally { [Environment]::SetEnvironmentVariable($variable, $previous) }
        if ($LASTEXITCODE -ne 0) { throw "Sync-RemoteClusterEstate failed for $Clusters ECK clusters (exit code $LASTEXITCODE): $($output -join "`n")" }
        $run = ($output | Select-Object -Last 1) | ConvertFrom-Json
        if ($run.results -ne $Clusters -or $run.failures.Count -gt 0) { throw "Sync-RemoteClusterEstate reported errors for $Clusters ECK clusters: $($run.failures -join '; ')" }
        [pscustomobject]@{ Clusters = $Clusters; Rollout = $Rollout; Seconds = [math]::Round($run.elapsedMs / 1000, 2); Results = $run.results; Footprint = $sandbox.Footprint }
    }
    finally { Stop-DemoSandbox $sandbox }
}

<#
The four estate timings, or $null for each when the built module has no Sync-RemoteClusterEstate or its run failed
(the failure is in Failures: one failed sync does not cost the Bench the figures it already took), and the footprint
of the largest sandbox (started on its own when there is no sync to run). One run per count and rollout: a
20-cluster sandbox takes a while to start, and the sync's time is long against the noise of a busy machine.
#>
function Invoke-EstateBench([string] $Root, [int[]] $ClusterCounts = @(1, 20)) {
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $canSync = (Import-PowerShellDataFile $manifest).CmdletsToExport -contains 'Sync-RemoteClusterEstate'
    $largest = ($ClusterCounts | Measure-Object -Maximum).Maximum
    $timings = [ordered]@{}
    $failures = [Collections.Generic.List[string]]::new()
    $footprint = $null
    foreach ($rollout in 'instant', 'realistic') {
        foreach ($count in $ClusterCounts) {
            $field = if ($rollout -eq 'instant') { "estate${count}Seconds" } else { "estate${count}RealisticSeconds" }
            $timings[$field] = $null
            if (-not $canSync) { continue }
            Write-Host "Estate: one self-managed cluster linked to $count ECK cluster(s) by Sync-RemoteClusterEstate (--rollout $rollout)"
            try { $run = Invoke-EstateSyncRun -Root $Root -Clusters $count -Rollout $rollout }
            catch {
                # The other figures still count: this one stays null and the failure is reported with the summary.
                $failures.Add("${field}: $($_.Exception.Message)")
                Write-Warning "  not measured: $($_.Exception.Message)"
                continue
            }
            Write-Host "  $($run.Seconds) s, $($run.Results) result(s)"
            $timings[$field] = $run.Seconds
            if ($count -eq $largest -and $rollout -eq 'instant') { $footprint = $run.Footprint }
        }
    }
    if (-not $canSync) {
        Write-Host "Estate: not measured, the module has no Sync-RemoteClusterEstate yet (the fields are null). The sandbox with $largest ECK clusters alone:"
        $state = New-Item -ItemType Directory -Path (Join-Path $Root 'out' 'bench' "sandbox-$largest") -Force
        $sandbox = Start-EstateSandbox -Root $Root -StateDirectory $state.FullName -Clusters $largest -Rollout instant
        Stop-DemoSandbox $sandbox
        $footprint = $sandbox.Footprint
    }
    if ($footprint) {
        Write-Host ("  sandbox with {0} ECK clusters ({1} nodes): ready in {2} s, {3} MiB resident ({4} MiB peak), {5} threads" -f `
            $footprint.eckClusters, $footprint.eckNodes, $footprint.startSeconds, $footprint.rssMiB, $footprint.peakRssMiB, $footprint.threads)
    }
    [pscustomobject]@{ Timings = $timings; Footprint = $footprint; Failures = @($failures) }
}

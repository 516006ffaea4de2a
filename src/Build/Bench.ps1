# Measurements written to docs/performance.md. Times are medians of repeated cold process starts, interleaved so
# that a busy moment on the machine hits both sides alike.

# One new pwsh process (the command line of Get-PwshCommandLine or Get-ReadyToRunPwshCommandLine) running $Command,
# with an empty standard input of its own; returns its output, and throws when it failed.
function Invoke-ColdPwsh([string[]] $Pwsh, [string] $Command) {
    $output = $null | & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' failed with exit code $LASTEXITCODE." }
    $output
}

function Measure-ColdStart([string[]] $Pwsh, [string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-ColdPwsh $Pwsh $Command
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Invoke-ImportBench([string] $Root, [string[]] $Pwsh = (Get-PwshCommandLine), [int] $Runs = 15) {
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $bare = 'exit 0'
    $import = "Import-Module '$manifest'; `$null = Get-Command -Module EckRemoteCluster"
    $withModule = "$import; exit 0"
    Measure-ColdStart $Pwsh $bare | Out-Null   # warm the OS file cache once; every measured run is still a new process
    $loadBefore = Get-LoadAverageText
    $without = [Collections.Generic.List[double]]::new()
    $with = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Runs; $i++) {
        $without.Add((Measure-ColdStart $Pwsh $bare))
        $with.Add((Measure-ColdStart $Pwsh $withModule))
    }
    $medianWithout = Get-Median $without
    $medianWith = Get-Median $with
    [pscustomobject]@{
        pwsh                     = if (Test-ReadyToRunImage (Join-Path (Split-Path $Pwsh[-1]) 'System.Management.Automation.dll')) { 'ReadyToRun' } else { 'JIT only' }
        Runs                     = $Runs
        'pwsh -NoProfile (ms)'   = [math]::Round($medianWithout)
        'with Import-Module (ms)' = [math]::Round($medianWith)
        'module adds (ms)'       = [math]::Round($medianWith - $medianWithout)
        'methods JIT-compiled'   = Measure-ImportJitCount -Pwsh $Pwsh -Import $import
        'load average'           = "$loadBefore -> $(Get-LoadAverageText)"
    }
}

# How many methods the runtime JIT-compiles during the import (the median of three cold processes): what ReadyToRun
# code saves is JIT work, so this says why the two pwsh builds differ.
function Measure-ImportJitCount([string[]] $Pwsh, [string] $Import) {
    $script = "`$before = [System.Runtime.JitInfo]::GetCompiledMethodCount(); $Import; [System.Runtime.JitInfo]::GetCompiledMethodCount() - `$before"
    $counts = 1..3 | ForEach-Object { [double](Invoke-ColdPwsh $Pwsh $script) }
    Get-Median $counts
}

function Invoke-Bench {
    param([string] $Root, [string] $Configuration)

    Invoke-ModuleBuild -Root $Root -Configuration $Configuration | Out-Null
    $benchRoot = Join-Path $Root 'out' 'bench'
    if (Test-Path $benchRoot) { Remove-Item $benchRoot -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $benchRoot
    $machine = Get-BenchMachine
    Write-Host "Machine: $($machine.cores) cores, $($machine.memoryGiB) GiB, $($machine.os), PowerShell $($machine.powershell), $($machine.dotnet), load average $($machine.loadAverageAtStart -join ' ')"
    Write-Host 'Cold start: median of cold pwsh -NoProfile starts, with and without importing the module, on this pwsh and on the same pwsh compiled ReadyToRun as its release packages are (ReadyToRunPwsh.ps1)'
    $import = Invoke-ImportBench -Root $Root
    $importReadyToRun = Invoke-ImportBench -Root $Root -Pwsh (Get-ReadyToRunPwshCommandLine $Root)
    # Wide enough for every column: without a console (CI) the table would wrap to 80 characters, a letter per line.
    @($import, $importReadyToRun) | Format-Table -AutoSize | Out-String -Width 240 | Out-Host

    Write-Host 'First cmdlet and keystores: on a sandbox node''s config directory'
    Build-Sandbox $Root
    $state = New-Item -ItemType Directory -Path (Join-Path $benchRoot 'nodes') -Force
    $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $state.FullName -Arguments @('--rollout', 'instant', '--seed', (Get-SandboxSeed))
    try {
        $nodeConfig = @($sandbox.Description.localCluster.nodes.configDir)[0]
        $firstCmdletMs = Invoke-FirstCmdletBench -Root $Root -ConfigDirectory $nodeConfig
        $keystore = Invoke-KeystoreBench -Root $Root -NodeConfigDirectory $nodeConfig -DistinctSalts
        $keystoreSharedSalt = Invoke-KeystoreBench -Root $Root -NodeConfigDirectory $nodeConfig
    }
    finally { Stop-DemoSandbox $sandbox }
    Write-Host "  first engine cmdlet adds $firstCmdletMs ms; a credential into 2 keystores $($keystore[2]) ms, into 10 $($keystore[10]) ms (each its own salt); into 10 copies of one keystore $($keystoreSharedSalt[10]) ms"

    $workflow = @{}
    foreach ($rollout in 'instant', 'realistic') {
        Write-Host "Workflow: the module's pipeline and the documented manual procedure (kubectl, curl, file edits), each on a fresh sandbox (--rollout $rollout), requests from its log"
        $workflow[$rollout] = Invoke-WorkflowBench -Root $Root -Rollout $rollout
        Show-WorkflowBench $workflow[$rollout]
    }

    Write-Host 'Wait-EckCluster: from the status write the sandbox logged to the cmdlet''s return (a rollout at 1 s per pod)'
    $waitLatencyMs = Invoke-WaitLatencyBench -Root $Root
    $estate = Invoke-EstateBench -Root $Root

    $sideMedian = { param($Results, $Side, $Property) Get-Median @($Results | Where-Object Side -eq $Side | ForEach-Object $Property) }
    $summary = [ordered]@{
        machine                  = $machine
        importAddsMs             = $import.'module adds (ms)'
        # The same on this pwsh's ReadyToRun build, as the zip, tar.gz, deb, rpm and msix packages ship it.
        importAddsReadyToRunPwshMs = $importReadyToRun.'module adds (ms)'
        firstCmdletMs            = $firstCmdletMs
        pipelineSeconds          = [math]::Round((& $sideMedian $workflow.instant 'module' 'WallSeconds'), 2)
        manualSeconds            = [math]::Round((& $sideMedian $workflow.instant 'manual' 'WallSeconds'), 2)
        pipelineRealisticSeconds = [math]::Round((& $sideMedian $workflow.realistic 'module' 'WallSeconds'), 2)
        manualRealisticSeconds   = [math]::Round((& $sideMedian $workflow.realistic 'manual' 'WallSeconds'), 2)
        requestsModule           = & $sideMedian $workflow.instant 'module' 'Total'
        requestsManual           = & $sideMedian $workflow.instant 'manual' 'Total'
        keystore2NodesMs         = $keystore[2]
        keystore10NodesMs        = $keystore[10]
        # The same with 10 copies of one keystore (one salt, so one key derivation), as on nodes cloned from one image.
        keystore10NodesSharedSaltMs = $keystoreSharedSalt[10]
        waitLatencyMs            = $waitLatencyMs
        # null while the module has no Sync-RemoteClusterEstate: a number never taken is not written (EstateBench.ps1).
        estate1Seconds           = $estate.Timings.estate1Seconds
        estate20Seconds          = $estate.Timings.estate20Seconds
        estate1RealisticSeconds  = $estate.Timings.estate1RealisticSeconds
        estate20RealisticSeconds = $estate.Timings.estate20RealisticSeconds
        sandbox20EckClusters     = $estate.Footprint
        # What could not be measured, and why: each such figure above is null.
        failures                 = @($estate.Failures)
    }
    $summaryFile = Join-Path $benchRoot 'summary.json'
    $summary | ConvertTo-Json -Depth 5 | Set-Content -Path $summaryFile
    Write-Host "Summary (medians): $summaryFile"
    Get-Content $summaryFile | Out-Host
    if ($estate.Failures.Count -gt 0) { throw "Bench: $($estate.Failures.Count) figure(s) could not be taken (null in $summaryFile): $($estate.Failures -join '; ')" }
}

function Get-TotalMemoryBytes {
    if ($IsLinux) { return [double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') * 1KB }
    [GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes
}

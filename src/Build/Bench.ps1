# Measurements written to docs/performance.md. Times are medians of repeated cold process starts, interleaved so
# that a busy moment on the machine hits both sides alike.

function Measure-ColdStart([string[]] $Pwsh, [string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null | & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Command | Out-Null
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' failed with exit code $LASTEXITCODE." }
    $watch.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Invoke-ImportBench([string] $Root, [int] $Runs = 15) {
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $pwsh = Get-PwshCommandLine
    $bare = 'exit 0'
    $withModule = "Import-Module '$manifest'; `$null = Get-Command -Module EckRemoteCluster; exit 0"
    Measure-ColdStart $pwsh $bare | Out-Null   # warm the OS file cache once; every measured run is still a new process
    $without = [Collections.Generic.List[double]]::new()
    $with = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Runs; $i++) {
        $without.Add((Measure-ColdStart $pwsh $bare))
        $with.Add((Measure-ColdStart $pwsh $withModule))
    }
    $medianWithout = Get-Median $without
    $medianWith = Get-Median $with
    [pscustomobject]@{
        Runs                     = $Runs
        'pwsh -NoProfile (ms)'   = [math]::Round($medianWithout)
        'with Import-Module (ms)' = [math]::Round($medianWith)
        'module adds (ms)'       = [math]::Round($medianWith - $medianWithout)
    }
}

function Invoke-Bench {
    param([string] $Root, [string] $Configuration)

    Invoke-ModuleBuild -Root $Root -Configuration $Configuration | Out-Null
    Write-Host "Machine: $([Environment]::ProcessorCount) cores, $([math]::Round((Get-TotalMemoryBytes) / 1GB)) GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), PowerShell $($PSVersionTable.PSVersion), $([Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)"
    Write-Host 'Cold start: median of cold pwsh -NoProfile starts, with and without importing the module'
    Invoke-ImportBench -Root $Root | Format-Table -AutoSize | Out-Host
    Write-Host 'Workflow: the module''s pipeline and the documented manual procedure (kubectl, curl, file edits), each on a fresh sandbox (--rollout instant), requests from its log'
    Show-WorkflowBench (Invoke-WorkflowBench -Root $Root)
}

function Get-TotalMemoryBytes {
    if ($IsLinux) { return [double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') * 1KB }
    [GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes
}

# Runs every test tier and prints one closing line, "N passed, N failed, N skipped", that CI reads.
# xunit projects run through dotnet test (trx results); the Pester suite runs in a child pwsh that imports the
# built module from out/, so no test sees a module the session loaded earlier.

$script:PesterVersion = '6.2.0'

function Get-NuGetPackageFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages'
}

# The command line that starts another pwsh like this one: under `dotnet pwsh` the process is dotnet itself.
function Get-PwshCommandLine {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    @($process)
}

<#
Starts a child pwsh like this one (-NoProfile -NonInteractive, then -Argument) with a standard input of its own, a
pipe closed at once: CI has no standard input to inherit, and a child must never wait on one. -RedirectOutput pipes
its output and error streams to the caller; without it they are inherited. -Environment is added to the child's.
#>
function Start-ChildPwsh {
    param([string[]] $Argument, [hashtable] $Environment = @{}, [switch] $RedirectOutput)
    $pwsh = Get-PwshCommandLine
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($item in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive') + $Argument) { $start.ArgumentList.Add($item) }
    $start.UseShellExecute = $false
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = [string] $Environment[$key] }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = [bool] $RedirectOutput
    $start.RedirectStandardError = [bool] $RedirectOutput
    $process = [Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    $process
}

function Read-TrxCounts([string] $TrxPath) {
    [xml] $trx = Get-Content $TrxPath -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int] $counters.passed
        Failed  = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        Skipped = [int] $counters.notExecuted
    }
}

function Invoke-XunitTests([string] $Root, [string] $Configuration, [string] $ResultsFolder) {
    $projects = Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter '*.Tests.csproj'
    foreach ($project in $projects) {
        $trxName = "$($project.BaseName).trx"
        Write-Host "== xunit: $($project.BaseName)"
        # Out-Host: the console output is for the reader; this function's output is the counts.
        $null | & dotnet test $project.FullName -c $Configuration --nologo -v quiet `
            --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $ResultsFolder | Out-Host
        $trx = Join-Path $ResultsFolder $trxName
        if (-not (Test-Path $trx)) {
            # The project did not build or the host crashed: that is a failure, not "no tests".
            [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
            continue
        }
        Read-TrxCounts $trx
    }
}

<#
The Pester files, longest first: by the durations the last run on this machine recorded, and otherwise files that
start a sandbox before those that do not, bigger files first. Lanes take files from the front of this queue, so a
long file never starts last.
#>
function Get-PesterQueue([string] $Root, [string[]] $Paths) {
    $files = foreach ($path in $Paths) {
        if (Test-Path $path -PathType Container) { Get-ChildItem $path -Recurse -Filter '*.Tests.ps1' }
        else { Get-Item $path }
    }
    $known = @{}
    $durations = Join-Path $Root 'out' 'pester-durations.json'
    if (Test-Path $durations) {
        (Get-Content $durations -Raw | ConvertFrom-Json -AsHashtable).GetEnumerator() | ForEach-Object { $known[$_.Key] = [double] $_.Value }
    }
    $files | Sort-Object -Unique FullName | Sort-Object -Descending `
        { if ($known.ContainsKey($_.Name)) { $known[$_.Name] } else { -1 } },
        { [bool] (Select-String -Path $_.FullName -Pattern 'Start-TestSandbox' -SimpleMatch -Quiet) },
        Length |
        ForEach-Object FullName
}

# One lane: a child pwsh that claims files from the shared queue (an O_EXCL create per file) and runs each alone.
$script:PesterLaneScript = @'
param($PesterManifest, $ResultsFolder, $QueueFile)
Import-Module $PesterManifest
$files = @(Get-Content $QueueFile)
for ($i = 0; $i -lt $files.Count; $i++) {
    try { [IO.File]::Open((Join-Path $ResultsFolder "pester-$i.claim"), [IO.FileMode]::CreateNew).Dispose() }
    catch [IO.IOException] { continue }
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $files[$i]
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Normal'
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = Join-Path $ResultsFolder "pester-$i.xml"
    Invoke-Pester -Configuration $configuration | Out-Null
}
'@

function Get-PesterLaneCount {
    if ($env:ECKREMOTECLUSTER_TEST_LANES -match '^\d+$' -and [int] $env:ECKREMOTECLUSTER_TEST_LANES -ge 1) { return [int] $env:ECKREMOTECLUSTER_TEST_LANES }
    # Most of a Pester file's time is spent waiting on a sandbox's rollouts and restarts: two lanes on two cores.
    [Math]::Max(1, [Math]::Min(2, [Environment]::ProcessorCount))
}

function Start-PesterLane([string] $Pester, [string] $ResultsFolder, [string] $QueueFile, [int] $Lane) {
    # A cache directory per lane: pwsh processes that end at the same time rewrite the shared multicore JIT startup
    # profile (~/.cache/powershell/StartupProfileData-*) at once, and a torn one crashes every later pwsh at start.
    $process = Start-ChildPwsh -RedirectOutput -Environment @{ XDG_CACHE_HOME = Join-Path $ResultsFolder "pwsh-cache-$Lane" } `
        -Argument '-File', (Join-Path $ResultsFolder 'pester-lane.ps1'), $Pester, $ResultsFolder, $QueueFile
    $log = [IO.FileStream]::new((Join-Path $ResultsFolder "pester-lane-$Lane.log"), [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::ReadWrite)
    [pscustomobject]@{
        Lane    = $Lane
        Process = $process
        Log     = $log
        Copying = [Threading.Tasks.Task]::WhenAll($process.StandardOutput.BaseStream.CopyToAsync($log), $process.StandardError.BaseStream.CopyToAsync($log))
        Reader  = [IO.StreamReader]::new([IO.FileStream]::new($log.Name, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite))
        Pending = ''
    }
}

# Relays what a lane wrote since the last call, whole lines only, each marked with its lane.
function Write-LaneOutput($Lane, [switch] $Final) {
    $Lane.Log.Flush()
    $text = $Lane.Pending + $Lane.Reader.ReadToEnd()
    $cut = if ($Final) { $text.Length } else { $text.LastIndexOf("`n") + 1 }
    $Lane.Pending = $text.Substring($cut)
    foreach ($line in ($text.Substring(0, $cut) -split "`r?`n")) {
        if ($line) { Write-Host "[$($Lane.Lane)] $line" }
    }
}

function Invoke-PesterTests([string] $Root, [string] $ResultsFolder, [string[]] $Path) {
    Invoke-DotNet restore (Join-Path $Root 'tests/Pester/TestTools.csproj') --nologo -v quiet
    $pester = Join-Path (Get-NuGetPackageFolder) 'pester' $script:PesterVersion 'tools' 'Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester $script:PesterVersion was not restored to $pester." }
    # `dotnet pwsh ./build.ps1 Test -PesterPath a,b` arrives as the one string 'a,b': split it.
    $paths = if ($Path) { @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ }) } else { @(Join-Path $Root 'tests/Pester') }
    $queue = @(Get-PesterQueue -Root $Root -Paths $paths)
    if ($queue.Count -eq 0) { Write-Host "No Pester file under $($paths -join ', ')."; return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $queueFile = Join-Path $ResultsFolder 'pester-queue.txt'
    Set-Content -Path $queueFile -Value $queue
    Set-Content -Path (Join-Path $ResultsFolder 'pester-lane.ps1') -Value $script:PesterLaneScript
    $laneCount = [Math]::Min((Get-PesterLaneCount), $queue.Count)
    Write-Host "== Pester: $($queue.Count) files in $laneCount lanes"

    $lanes = @(foreach ($lane in 1..$laneCount) { Start-PesterLane -Pester $pester -ResultsFolder $ResultsFolder -QueueFile $queueFile -Lane $lane })
    try {
        # Relay the lanes' output as it comes; the wait is on the processes, the timeout only paces the relay.
        while (@($lanes | Where-Object { -not $_.Process.HasExited }).Count -gt 0) {
            foreach ($lane in $lanes) { Write-LaneOutput $lane }
            $null = ($lanes | Where-Object { -not $_.Process.HasExited } | Select-Object -First 1).Process.WaitForExit(1000)
        }
    }
    finally {
        foreach ($lane in $lanes) {
            if (-not $lane.Process.HasExited) { $lane.Process.Kill($true); $lane.Process.WaitForExit() }
            $null = $lane.Copying.Wait(10000)
            Write-LaneOutput $lane -Final
            $lane.Reader.Dispose(); $lane.Log.Dispose(); $lane.Process.Dispose()
        }
    }

    $counts = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $durations = [ordered]@{}
    for ($i = 0; $i -lt $queue.Count; $i++) {
        $resultFile = Join-Path $ResultsFolder "pester-$i.xml"
        if (-not (Test-Path $resultFile)) {
            # Never claimed, or its lane died in it: either way the file's tests did not pass.
            Write-Host "Pester: $($queue[$i]) left no results (its lane stopped before or while running it)."
            $counts.Failed++
            continue
        }
        [xml] $result = Get-Content $resultFile -Raw
        $summary = $result.'test-results'
        $notPassed = [int] $summary.failures + [int] $summary.errors + [int] $summary.'not-run' + [int] $summary.skipped + [int] $summary.inconclusive + [int] $summary.ignored
        $counts.Passed += [int] $summary.total - $notPassed
        $counts.Failed += [int] $summary.failures + [int] $summary.errors
        $counts.Skipped += [int] $summary.'not-run' + [int] $summary.skipped + [int] $summary.inconclusive + [int] $summary.ignored
        $durations[[IO.Path]::GetFileName($queue[$i])] = [double] $result.SelectSingleNode('//test-suite').time
    }
    if ($durations.Count -gt 0 -and -not $Path) {
        $known = Join-Path $Root 'out' 'pester-durations.json'
        New-Item -ItemType Directory -Force (Split-Path $known) | Out-Null
        $durations | ConvertTo-Json | Set-Content $known
    }
    $counts
}

# What each test did in one run, from the trx and NUnit files: name, outcome (Passed, Failed, Skipped).
function Read-TestOutcomes([string] $ResultsFolder) {
    foreach ($file in Get-ChildItem $ResultsFolder -Filter *.trx -ErrorAction SilentlyContinue) {
        [xml] $trx = Get-Content $file.FullName -Raw
        foreach ($result in $trx.SelectNodes("//*[local-name()='UnitTestResult']")) {
            $outcome = switch ($result.outcome) { 'Passed' { 'Passed' } 'NotExecuted' { 'Skipped' } default { 'Failed' } }
            [pscustomobject]@{ Name = "$($file.BaseName): $($result.testName)"; Outcome = $outcome }
        }
    }
    foreach ($pester in Get-ChildItem $ResultsFolder -Filter 'pester-*.xml' -ErrorAction SilentlyContinue) {
        [xml] $nunit = Get-Content $pester.FullName -Raw
        foreach ($case in $nunit.SelectNodes('//test-case')) {
            $outcome = switch ($case.result) { 'Success' { 'Passed' } { $_ -in 'Failure', 'Error' } { 'Failed' } default { 'Skipped' } }
            [pscustomobject]@{ Name = "Pester: $($case.name)"; Outcome = $outcome }
        }
    }
}

# One run of every tier into $ResultsFolder; returns the summed counts.
function Invoke-TestRun([string] $Root, [string] $Configuration, [string[]] $PesterPath, [string] $ResultsFolder) {
    if (Test-Path $ResultsFolder) { Remove-Item $ResultsFolder -Recurse -Force }
    New-Item -ItemType Directory -Path $ResultsFolder | Out-Null
    $counts = @()
    if (-not $PesterPath) { $counts += Invoke-XunitTests -Root $Root -Configuration $Configuration -ResultsFolder $ResultsFolder }
    $counts += Invoke-PesterTests -Root $Root -ResultsFolder $ResultsFolder -Path $PesterPath
    [pscustomobject]@{
        Passed  = [int] ($counts | Measure-Object Passed -Sum).Sum
        Failed  = [int] ($counts | Measure-Object Failed -Sum).Sum
        Skipped = [int] ($counts | Measure-Object Skipped -Sum).Sum
    }
}

<#
-Stress: one CPU-bound process per core beside the tests, as a busy machine has. Each spins until it is stopped or
the process that started it is gone, so a neighbour never outlives a killed test run.
#>
function Start-StressNeighbours {
    $spin = 'param($parent) $p = [Diagnostics.Process]::GetProcessById($parent); while (-not $p.HasExited) { for ($i = 0; $i -lt 2000000; $i++) { } }'
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("& { $spin } $PID"))
    foreach ($core in 1..[Environment]::ProcessorCount) { Start-ChildPwsh -Argument '-EncodedCommand', $encoded }
}

function Stop-StressNeighbours([Diagnostics.Process[]] $Neighbours) {
    foreach ($process in $Neighbours) {
        try { if (-not $process.HasExited) { $process.Kill($true); $null = $process.WaitForExit(5000) } }
        catch [InvalidOperationException] { }
        $process.Dispose()
    }
}

<#
Runs the suite $Repeat times (building once), optionally beside one CPU-bound neighbour per core. Prints each run's
figures and wall time, every test that failed in any run with the runs it failed in, and then the closing line
"N passed, N failed, N skipped" that CI reads: with -Repeat it is summed over the runs. Exits 1 on any failure.
#>
function Invoke-AllTests {
    param([string] $Root, [string] $Configuration, [string[]] $PesterPath, [int] $Repeat = 1, [switch] $Stress)

    Invoke-ModuleBuild -Root $Root -Configuration $Configuration | Out-Null
    Invoke-DotNet build (Join-Path $Root 'tests/Sandbox/Sandbox.csproj') -c $Configuration --nologo -v quiet
    $resultsFolder = Join-Path $Root 'out' 'test-results'
    if (Test-Path $resultsFolder) { Remove-Item $resultsFolder -Recurse -Force }

    $neighbours = @()
    $runs = [Collections.Generic.List[object]]::new()
    $failures = [ordered]@{}
    try {
        if ($Stress) {
            $neighbours = @(Start-StressNeighbours)
            Write-Host "== Stress: $($neighbours.Count) CPU-bound neighbour processes ($(($neighbours.Id) -join ', '))"
        }
        for ($run = 1; $run -le $Repeat; $run++) {
            $folder = if ($Repeat -gt 1) { Join-Path $resultsFolder "run-$run" } else { $resultsFolder }
            if ($Repeat -gt 1) { Write-Host "== Run $run of $Repeat" }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $counts = Invoke-TestRun -Root $Root -Configuration $Configuration -PesterPath $PesterPath -ResultsFolder $folder
            $clock.Stop()
            $runs.Add([pscustomobject]@{ Run = $run; Passed = $counts.Passed; Failed = $counts.Failed; Skipped = $counts.Skipped; Elapsed = $clock.Elapsed })
            foreach ($failed in Read-TestOutcomes $folder | Where-Object Outcome -eq 'Failed') {
                if (-not $failures.Contains($failed.Name)) { $failures[$failed.Name] = [Collections.Generic.List[int]]::new() }
                if (-not $failures[$failed.Name].Contains($run)) { $failures[$failed.Name].Add($run) }
            }
        }
    }
    finally {
        Stop-StressNeighbours $neighbours
    }

    if ($Repeat -gt 1 -or $Stress) {
        foreach ($r in $runs) {
            Write-Host ("run {0}: {1} passed, {2} failed, {3} skipped in {4:mm\:ss}" -f $r.Run, $r.Passed, $r.Failed, $r.Skipped, $r.Elapsed)
        }
    }
    if ($failures.Count -gt 0) {
        Write-Host 'Failed tests (runs they failed in):'
        foreach ($name in $failures.Keys) { Write-Host "  $name  (run $($failures[$name] -join ', '))" }
    }
    foreach ($r in $runs) {
        $named = @($failures.Values | Where-Object { $_.Contains($r.Run) }).Count
        if ($r.Failed -gt $named) {
            Write-Host "run $($r.Run): $($r.Failed - $named) failure(s) without a test name (a build failure or a crashed test host); see the output above."
        }
    }
    $passed = ($runs | Measure-Object Passed -Sum).Sum
    $failed = ($runs | Measure-Object Failed -Sum).Sum
    $skipped = ($runs | Measure-Object Skipped -Sum).Sum
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
    if ($passed -eq 0) { Write-Host 'No test ran.'; exit 1 }
}

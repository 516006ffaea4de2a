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

function Invoke-PesterTests([string] $Root, [string] $ResultsFolder, [string[]] $Path) {
    Invoke-DotNet restore (Join-Path $Root 'tests/Pester/TestTools.csproj') --nologo -v quiet
    $pester = Join-Path (Get-NuGetPackageFolder) 'pester' $script:PesterVersion 'tools' 'Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester $script:PesterVersion was not restored to $pester." }
    $resultFile = Join-Path $ResultsFolder 'pester.xml'
    # `dotnet pwsh ./build.ps1 Test -PesterPath a,b` arrives as the one string 'a,b': split it.
    $paths = if ($Path) { @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ }) } else { @(Join-Path $Root 'tests/Pester') }
    $script = @'
param($PesterManifest, $ResultFile, $Paths)
Import-Module $PesterManifest
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Paths -split [IO.Path]::PathSeparator
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultFile
Invoke-Pester -Configuration $configuration | Out-Null
'@
    $scriptFile = Join-Path $ResultsFolder 'run-pester.ps1'
    Set-Content -Path $scriptFile -Value $script
    Write-Host '== Pester'
    $pwsh = Get-PwshCommandLine
    $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scriptFile $pester $resultFile ($paths -join [IO.Path]::PathSeparator) | Out-Host
    if (-not (Test-Path $resultFile)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    [xml] $result = Get-Content $resultFile -Raw
    $summary = $result.'test-results'
    [pscustomobject]@{
        Passed  = [int] $summary.total - [int] $summary.failures - [int] $summary.errors - [int] $summary.'not-run' - [int] $summary.skipped - [int] $summary.inconclusive - [int] $summary.ignored
        Failed  = [int] $summary.failures + [int] $summary.errors
        Skipped = [int] $summary.'not-run' + [int] $summary.skipped + [int] $summary.inconclusive + [int] $summary.ignored
    }
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
    $pester = Join-Path $ResultsFolder 'pester.xml'
    if (Test-Path $pester) {
        [xml] $nunit = Get-Content $pester -Raw
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
    $pwsh = Get-PwshCommandLine
    $spin = 'param($parent) $p = [Diagnostics.Process]::GetProcessById($parent); while (-not $p.HasExited) { for ($i = 0; $i -lt 2000000; $i++) { } }'
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("& { $spin } $PID"))
    foreach ($core in 1..[Environment]::ProcessorCount) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) { $start.ArgumentList.Add($argument) }
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        [Diagnostics.Process]::Start($start)
    }
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

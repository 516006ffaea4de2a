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
        $null | & dotnet test $project.FullName -c $Configuration --nologo -v quiet `
            --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $ResultsFolder
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
    $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scriptFile $pester $resultFile ($paths -join [IO.Path]::PathSeparator)
    if (-not (Test-Path $resultFile)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    [xml] $result = Get-Content $resultFile -Raw
    $summary = $result.'test-results'
    [pscustomobject]@{
        Passed  = [int] $summary.total - [int] $summary.failures - [int] $summary.errors - [int] $summary.'not-run' - [int] $summary.skipped - [int] $summary.inconclusive - [int] $summary.ignored
        Failed  = [int] $summary.failures + [int] $summary.errors
        Skipped = [int] $summary.'not-run' + [int] $summary.skipped + [int] $summary.inconclusive + [int] $summary.ignored
    }
}

function Invoke-AllTests {
    param([string] $Root, [string] $Configuration, [string[]] $PesterPath)

    Invoke-ModuleBuild -Root $Root -Configuration $Configuration | Out-Null
    Invoke-DotNet build (Join-Path $Root 'tests/Sandbox/Sandbox.csproj') -c $Configuration --nologo -v quiet
    $resultsFolder = Join-Path $Root 'out' 'test-results'
    if (Test-Path $resultsFolder) { Remove-Item $resultsFolder -Recurse -Force }
    New-Item -ItemType Directory -Path $resultsFolder | Out-Null

    $counts = @()
    if (-not $PesterPath) { $counts += Invoke-XunitTests -Root $Root -Configuration $Configuration -ResultsFolder $resultsFolder }
    $counts += Invoke-PesterTests -Root $Root -ResultsFolder $resultsFolder -Path $PesterPath

    $passed = ($counts | Measure-Object Passed -Sum).Sum
    $failed = ($counts | Measure-Object Failed -Sum).Sum
    $skipped = ($counts | Measure-Object Skipped -Sum).Sum
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
    if ($passed -eq 0) { Write-Host 'No test ran.'; exit 1 }
}

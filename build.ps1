#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the EckRemoteCluster module.
.DESCRIPTION
    Tasks:
      Build    (default) compile and lay out out/EckRemoteCluster/<version>/
      Test     Build, then every xunit and Pester test; prints one closing line "N passed, N failed, N skipped"
               (-Repeat N: N runs, the line sums them and every failed test is listed with its runs;
                -Stress: one CPU-bound neighbour process per core during the runs)
      Package  Build, then a .nupkg in out/packages that Install-PSResource installs from a local repository
      Bench    cold-start cost of importing the module, and the workflow's request count and time
      Sandbox  start the sandbox in the foreground for a person to try the module and kubectl against it
      Demo     start the sandbox, run the whole documented pipeline on it, stop the sandbox
      Clean    remove every build output
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Test -Repeat 3 -Stress     # three runs beside a CPU-bound process per core
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Bench', 'Sandbox', 'Demo', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester test files or folders to run instead of the whole suite (Test task only).
    [string[]] $PesterPath,

    # Test task: run the suite this many times and report every test that failed in any run, with the runs.
    [ValidateRange(1, 100)]
    [int] $Repeat = 1,

    # Test task: run one CPU-bound neighbour process per core while the tests run (stopped afterwards, also on Ctrl+C).
    [switch] $Stress
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
Get-ChildItem (Join-Path $root 'src/Build') -Filter *.ps1 | ForEach-Object { . $_.FullName }

switch ($Task) {
    'Build'   { Invoke-ModuleBuild -Root $root -Configuration $Configuration | Out-Null }
    'Test'    { Invoke-AllTests -Root $root -Configuration $Configuration -PesterPath $PesterPath -Repeat $Repeat -Stress:$Stress }
    'Package' { Invoke-ModulePackage -Root $root -Configuration $Configuration }
    'Bench'   { Invoke-Bench -Root $root -Configuration $Configuration }
    'Sandbox' { Start-InteractiveSandbox -Root $root }
    'Demo'    { Invoke-Demo -Root $root -Configuration $Configuration }
    'Clean'   { Invoke-Clean -Root $root }
}

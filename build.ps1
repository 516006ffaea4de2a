#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the EckRemoteCluster module.
.DESCRIPTION
    Tasks:
      Build    (default) compile and lay out out/EckRemoteCluster/<version>/
      Test     Build, then every xunit and Pester test; prints one line "N passed, N failed"
      Package  Build, then a .nupkg in out/packages that Install-PSResource installs from a local repository
      Bench    cold-start cost of importing the module, and the workflow's request count and time
      Sandbox  start the sandbox in the foreground for a person to try the module and kubectl against it
      Demo     start the sandbox, run the whole documented pipeline on it, stop the sandbox
      Clean    remove every build output
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Bench', 'Sandbox', 'Demo', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester test files or folders to run instead of the whole suite (Test task only).
    [string[]] $PesterPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
Get-ChildItem (Join-Path $root 'src/Build') -Filter *.ps1 | ForEach-Object { . $_.FullName }

switch ($Task) {
    'Build'   { Invoke-ModuleBuild -Root $root -Configuration $Configuration | Out-Null }
    'Test'    { Invoke-AllTests -Root $root -Configuration $Configuration -PesterPath $PesterPath }
    'Package' { Invoke-ModulePackage -Root $root -Configuration $Configuration }
    'Bench'   { Invoke-Bench -Root $root -Configuration $Configuration }
    'Sandbox' { Start-InteractiveSandbox -Root $root }
    'Demo'    { Invoke-Demo -Root $root -Configuration $Configuration }
    'Clean'   { Invoke-Clean -Root $root }
}

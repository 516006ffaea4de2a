BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $root = Get-RepositoryRoot
    $version = (Import-PowerShellDataFile (Join-Path $root 'EckRemoteCluster.psd1')).ModuleVersion
    $pwsh = Get-PwshCommandLine
    $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1') Package | Out-Null
    $script:Package = Join-Path $root 'out' 'packages' "EckRemoteCluster.$version.nupkg"
    $script:Version = $version
}

Describe 'Package' {
    It 'produces a .nupkg' {
        $Package | Should -Exist
    }

    It 'installs from a local file repository with Install-PSResource and imports' {
        # A private HOME keeps the repository registration and the installed module out of the user's profile.
        $isolatedHome = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory $isolatedHome | Out-Null
        $repository = Split-Path $Package
        $result = Invoke-FreshPwsh -Environment @{ HOME = $isolatedHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null } -Script @"
Register-PSResourceRepository -Name EckLocalTest -Uri '$repository' -Trusted
Install-PSResource -Name EckRemoteCluster -Repository EckLocalTest -Scope CurrentUser -TrustRepository -Quiet
Import-Module EckRemoteCluster
`$module = Get-Module EckRemoteCluster
[pscustomobject]@{
    Version = `$module.Version.ToString()
    Path = `$module.ModuleBase
    Commands = @(Get-Command -Module EckRemoteCluster).Count
    Engine = Test-Path (Join-Path `$module.ModuleBase 'Dependencies' 'EckRemoteCluster.Engine.dll')
} | ConvertTo-Json
"@
        $result.Version | Should -Be $Version
        $result.Path | Should -BeLike "$isolatedHome*"
        $result.Commands | Should -BeGreaterThan 0
        $result.Engine | Should -BeTrue
    }
}

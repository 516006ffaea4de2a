# What the README and about_EckRemoteCluster tell runbook authors about keeping a key, and that it holds.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Readme = Get-Content (Join-Path (Get-RepositoryRoot) 'README.md') -Raw
    $script:About = (Get-Help about_EckRemoteCluster | Out-String)
}

Describe 'Keeping a key in a vault' {
    It 'is shown in <Name>: Set-Secret -SecureStringSecret $key.EncodedKey, then -ApiKey (Get-Secret ...)' -ForEach @(
        @{ Name = 'README.md' }, @{ Name = 'about_EckRemoteCluster' }
    ) {
        $text = if ($Name -eq 'README.md') { $Readme } else { $About }
        $text | Should -Match 'Set-Secret [^\n]*-SecureStringSecret \$key\.EncodedKey'
        $text | Should -Match '-ApiKey \(Get-Secret '
        $text | Should -Match 'Export-Clixml does not protect a SecureString off Windows|Do not keep it with `Export-Clixml` off Windows'
    }

    It 'needs no conversion: -ApiKey and -KeystorePassword take the SecureString Get-Secret returns, and EncodedKey is one' {
        (Get-Command Add-RemoteClusterCredential).Parameters['ApiKey'].ParameterType | Should -Be ([securestring])
        (Get-Command Add-RemoteClusterCredential).Parameters['KeystorePassword'].ParameterType | Should -Be ([securestring])
        [EckRemoteCluster.CrossClusterApiKey].GetProperty('EncodedKey').PropertyType | Should -Be ([securestring])
    }

    It 'warns rightly: off Windows, Export-Clixml writes a SecureString anyone can read back' -Skip:$IsWindows {
        $file = Join-Path $TestDrive 'key.xml'
        ConvertTo-SecureString 'aWQ6c2VjcmV0' -AsPlainText -Force | Export-Clixml $file
        $hex = ([xml] (Get-Content $file -Raw)).Objs.SS
        [Text.Encoding]::Unicode.GetString([Convert]::FromHexString($hex)) | Should -Be 'aWQ6c2VjcmV0'
    }
}

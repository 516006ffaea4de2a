# One name, one meaning: the same thing has the same parameter name on every cmdlet, and the old names still bind.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    function Get-Parameter([string] $Command, [string] $Name) { (Get-Command $Command).Parameters[$Name] }
}

Describe 'Parameter names' {
    It 'index patterns are -SearchIndex (and -ReplicationIndex) on <_>, the old name an alias' -ForEach @(
        @{ Command = 'New-CrossClusterApiKey'; Old = 'Search'; Replication = $true }
        @{ Command = 'Update-CrossClusterApiKey'; Old = 'Search'; Replication = $true }
        @{ Command = 'Move-RemoteClusterToApiKey'; Old = 'Search'; Replication = $true }
        @{ Command = 'Set-RemoteClusterRole'; Old = 'Index'; Replication = $false }
        @{ Command = 'Test-RemoteCluster'; Old = $null; Replication = $false }
    ) {
        $search = Get-Parameter $Command 'SearchIndex'
        $search | Should -Not -BeNullOrEmpty -Because "$Command names its search index patterns -SearchIndex"
        if ($Old) { $search.Aliases | Should -Contain $Old }
        if ($Replication) {
            (Get-Parameter $Command 'ReplicationIndex').Aliases | Should -Contain 'Replication'
        }
    }

    It '-Connection is the local cluster everywhere: the API-key cmdlets name the remote -RemoteConnection' {
        foreach ($command in 'New-CrossClusterApiKey', 'Get-CrossClusterApiKey', 'Update-CrossClusterApiKey', 'Revoke-CrossClusterApiKey') {
            $parameters = (Get-Command $command).Parameters
            $parameters.Keys | Should -Not -Contain 'Connection' -Because "$command acts on the remote cluster"
            @($parameters.Values | ForEach-Object Aliases) | Should -Not -Contain 'Connection'
            $parameters['RemoteConnection'].ParameterType | Should -Be ([EckRemoteCluster.ElasticsearchConnection])
        }
        foreach ($command in 'Connect-RemoteCluster', 'Test-RemoteCluster', 'Get-RemoteCluster', 'Disconnect-RemoteCluster', 'Set-RemoteClusterRole', 'Add-RemoteClusterCredential', 'Move-RemoteClusterToApiKey') {
            (Get-Parameter $command 'Connection').ParameterType | Should -Be ([EckRemoteCluster.ElasticsearchConnection])
        }
    }

    It 'a piped ECK cluster connection still creates and lists keys' {
        (Get-Parameter 'New-CrossClusterApiKey' 'RemoteConnection').ParameterSets.Values.ValueFromPipeline | Should -Contain $true
        (Get-Parameter 'Get-CrossClusterApiKey' 'RemoteConnection').ParameterSets.Values.ValueFromPipeline | Should -Contain $true
    }

    It 'every keystore password is -KeystorePassword' {
        foreach ($command in Get-Command -Module EckRemoteCluster) {
            foreach ($parameter in $command.Parameters.Values | Where-Object { $_.ParameterType -eq [securestring] -and $_.Name -match 'Password' }) {
                $parameter.Name | Should -Be 'KeystorePassword' -Because "$($command.Name) -$($parameter.Name) is a keystore password"
            }
        }
        (Get-Parameter 'Get-ElasticsearchKeystore' 'KeystorePassword').Aliases | Should -Contain 'Password'
    }

    It 'the cmdlets that change node files for an ECK cluster take the cluster as every ECK cmdlet does' {
        # They declare -Name, -Namespace, -Context and -KubeConfig beside the shared node parameters (a class has one
        # base): the two declarations must bind alike.
        $reference = (Get-Command Enable-EckRemoteClusterServer).Parameters
        foreach ($command in 'Move-RemoteClusterToApiKey', 'Sync-RemoteClusterTrust') {
            foreach ($name in 'Name', 'Namespace', 'Context', 'KubeConfig') {
                $expected = $reference[$name]
                $actual = Get-Parameter $command $name
                $actual.ParameterType | Should -Be $expected.ParameterType
                $actual.Aliases | Should -Be $expected.Aliases
                foreach ($property in 'IsMandatory', 'Position', 'ValueFromPipelineByPropertyName') {
                    $actual.ParameterSets['__AllParameterSets'].$property | Should -Be $expected.ParameterSets['__AllParameterSets'].$property -Because "$command -$name $property"
                }
                @($actual.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }).Type |
                    Should -Be @($expected.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }).Type
            }
        }
    }

    It 'every cmdlet that reads or writes node files takes -ConfigPath and -Session from one declaration, by property name' {
        $shared = [EckRemoteCluster.Commands.NodeFilesCmdlet], [EckRemoteCluster.Commands.NodeReaderCmdlet]
        foreach ($command in Get-Command -Module EckRemoteCluster | Where-Object { $_.Parameters.ContainsKey('ConfigPath') -and $_.Name -ne 'Restart-ElasticsearchNode' }) {
            @($shared | Where-Object { $_.IsAssignableFrom($command.ImplementingType) }).Count | Should -Be 1 -Because "$($command.Name) takes its nodes as every node-file cmdlet does"
            foreach ($name in 'ConfigPath', 'Session') {
                $command.Parameters[$name].ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Contain $true -Because "$($command.Name) -$name"
            }
        }
    }

    It 'Move-RemoteClusterToApiKey names the new key -ApiKeyName, apart from the cluster''s -Name' {
        (Get-Parameter 'Move-RemoteClusterToApiKey' 'ApiKeyName').Aliases | Should -Contain 'KeyName'
        (Get-Parameter 'Move-RemoteClusterToApiKey' 'Name').Aliases | Should -Contain 'Cluster'
        (Get-Help Move-RemoteClusterToApiKey -Parameter Name).description.Text -join ' ' | Should -Match 'ApiKeyName'
    }
}

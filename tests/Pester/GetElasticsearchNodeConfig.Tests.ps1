BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force

    function New-NodeConfig([string] $Name, [string] $Yaml) {
        $path = Join-Path $TestDrive $Name
        New-Item -ItemType Directory $path -Force | Out-Null
        Set-Content (Join-Path $path 'elasticsearch.yml') $Yaml
        $path
    }
}

Describe 'Get-ElasticsearchNodeConfig' {
    It 'reads flat, nested and mixed keys to the same flat settings' {
        $flat = New-NodeConfig 'flat' "node.name: n1`nxpack.security.remote_cluster_client.ssl.enabled: true`nxpack.security.remote_cluster_client.ssl.certificate_authorities: [ remote-cluster-ca.crt ]"
        $nested = New-NodeConfig 'nested' "node:`n  name: n1`nxpack:`n  security:`n    remote_cluster_client:`n      ssl:`n        enabled: true`n        certificate_authorities:`n          - remote-cluster-ca.crt"
        foreach ($node in Get-ElasticsearchNodeConfig $flat, $nested) {
            $node.NodeName | Should -Be 'n1'
            $node.RemoteClusterClientSslEnabled | Should -BeTrue
            $node.RemoteClusterClientCertificateAuthorities | Should -Be @('remote-cluster-ca.crt')
        }
    }

    It 'binds directories from the pipeline' {
        $path = New-NodeConfig 'piped' 'cluster.name: piped'
        (Get-Item $path | Get-ElasticsearchNodeConfig).ClusterName | Should -Be 'piped'
    }

    It 'reports whether the node has a keystore' {
        $path = New-NodeConfig 'withKeystore' 'cluster.name: k'
        (Get-ElasticsearchNodeConfig $path).KeystoreExists | Should -BeFalse
        Set-Content (Join-Path $path 'elasticsearch.keystore') 'x'
        (Get-ElasticsearchNodeConfig $path).KeystoreExists | Should -BeTrue
    }

    It 'rejects a directory without elasticsearch.yml with a specific error' {
        { Get-ElasticsearchNodeConfig $TestDrive -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAnElasticsearchConfigDirectory,EckRemoteCluster.Commands.GetElasticsearchNodeConfigCommand'
    }

    It 'rejects a path that does not exist' {
        { Get-ElasticsearchNodeConfig (Join-Path $TestDrive 'missing') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,EckRemoteCluster.Commands.GetElasticsearchNodeConfigCommand'
    }

    It 'rejects invalid YAML naming the line' {
        $path = New-NodeConfig 'broken' "cluster.name: [unclosed"
        $err = { Get-ElasticsearchNodeConfig $path -ErrorAction Stop } | Should -Throw -ErrorId 'ElasticsearchYmlInvalid,EckRemoteCluster.Commands.GetElasticsearchNodeConfigCommand' -PassThru
        $err.Exception.Message | Should -Match 'line \d+'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'goes on with the next path after a failing one' {
        $good = New-NodeConfig 'good' 'cluster.name: good'
        $results = Get-ElasticsearchNodeConfig (Join-Path $TestDrive 'missing'), $good -ErrorAction SilentlyContinue -ErrorVariable errors
        $results.ClusterName | Should -Be 'good'
        $errors.Count | Should -Be 1
    }
}

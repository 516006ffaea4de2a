# A self-managed cluster on Elasticsearch 8.13: too old for the API-key model (8.14 and later), so the module must
# refuse before it touches a keystore or a setting.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox -ArgumentList '--local-version', '8.13.4'
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'A local cluster older than 8.14' {
    It 'reports its version' {
        $Local.Version | Should -Be '8.13.4'
    }

    It 'refuses the API-key credential before writing any keystore' {
        $before = Get-NodeFileSnapshot $Nodes
        $key = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
        { Add-RemoteClusterCredential -Alias eck -ApiKey $key -ConfigPath $Nodes -Connection $Local -ErrorAction Stop } |
            Should -Throw -ErrorId 'ApiKeyModelUnsupportedVersion,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'refuses a role with remote_indices' {
        $err = { Set-RemoteClusterRole -Connection $Local -Name remote-reader -Alias eck -SearchIndex 'logs-*' -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteIndicesNotSupported,EckRemoteCluster.Commands.SetRemoteClusterRoleCommand' -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Match '8.14'
    }
}

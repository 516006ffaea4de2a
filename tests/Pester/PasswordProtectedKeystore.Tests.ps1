# One self-managed node with a password-protected keystore (elasticsearch-keystore passwd), as hardened installs have.
# What the module writes must be what that node's Elasticsearch can decrypt and reload.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox -ArgumentList '--keystore-password-node', '2'
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $protected = $Sandbox.localCluster.nodes | Where-Object keystorePassword
    $script:ProtectedNode = $protected.configDir
    $script:KeystorePassword = ConvertTo-SecureString $protected.keystorePassword -AsPlainText -Force
    $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
    $script:Key = ConvertTo-SecureString 'cHdkS2V5SWQwMTIzNDU2Nzg5MDE6cHdkS2V5U2VjcmV0MDEyMzQ1Njc4OQ==' -AsPlainText -Force
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'A password-protected keystore' {
    It 'is refused without the password, and no node changes' {
        $before = Get-NodeFileSnapshot $Nodes
        { Add-RemoteClusterCredential -Alias eck -ApiKey $Key -ConfigPath $Nodes -Connection $Local -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordRequired,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'is refused with a wrong password, and no node changes' {
        $before = Get-NodeFileSnapshot $Nodes
        $wrong = ConvertTo-SecureString 'not-the-password' -AsPlainText -Force
        { Add-RemoteClusterCredential -Alias eck -ApiKey $Key -ConfigPath $Nodes -KeystorePassword $wrong -Connection $Local -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordIncorrect,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'is written and reloaded by every node with the password' {
        $results = Add-RemoteClusterCredential -Alias eck -ApiKey $Key -ConfigPath $Nodes -KeystorePassword $KeystorePassword -Connection $Local
        $results.Change | Should -Be @('Added', 'Added')
        $results.Reload | Should -Be @('Reloaded', 'Reloaded') -Because "the node decrypted the module's file with its password"
        $entry = Get-ElasticsearchKeystore -ConfigPath $ProtectedNode -KeystorePassword $KeystorePassword -Name 'cluster.remote.eck.credentials'
        $entry.PasswordProtected | Should -BeTrue
        [System.Net.NetworkCredential]::new('', $entry.Value).Password | Should -Be ([System.Net.NetworkCredential]::new('', $Key).Password)
    }

    It 'is checked by Test-RemoteCluster -ConfigPath' {
        Add-RemoteClusterCredential -Alias eck -ApiKey $Key -ConfigPath $Nodes -KeystorePassword $KeystorePassword -Connection $Local | Out-Null
        $result = Test-RemoteCluster -Connection $Local -Alias eck -ConfigPath $Nodes -KeystorePassword $KeystorePassword
        $result.NodeCredentials.Present | Should -Be @($true, $true)
        $result.NodeCredentials.SameAsOtherNodes | Should -Be @($true, $true)
    }

    It "reports the node that cannot reload, by name, when the reload is sent without the keystore's password" {
        $response = Invoke-ElasticsearchRequest -Connection $Local POST '/_nodes/reload_secure_settings'
        $failed = @($response.nodes.PSObject.Properties.Value | Where-Object { $_.reload_exception })
        $failed.Count | Should -Be 1
        $failed[0].reload_exception.reason | Should -Match 'password'
    }
}

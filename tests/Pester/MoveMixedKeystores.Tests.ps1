# Move-RemoteClusterToApiKey on a local cluster whose nodes open their keystores differently: node 1's has no
# password, node 2's is password protected (elasticsearch-keystore passwd). Elasticsearch opens every addressed
# node's keystore with the one password a reload carries, so the move must reload each group on its own; a single
# reload with the password leaves node 1 without the new credential.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox -ArgumentList '--keystore-password-node', '2'
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $protected = $Sandbox.localCluster.nodes | Where-Object keystorePassword
    $script:KeystorePassword = ConvertTo-SecureString $protected.keystorePassword -AsPlainText -Force
    $script:Credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Eck = @{ Name = 'quickstart'; Namespace = 'elastic' }
    function Connect-Node([string[]] $Uri) {
        New-ElasticsearchConnection -Uri $Uri -Credential $Credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
    }

    $script:Local = Connect-Node $Sandbox.localCluster.nodes.httpUri
    $remote = Get-EckCluster @Eck | New-ElasticsearchConnection
    foreach ($i in 1..2) { $null = $remote | Invoke-ElasticsearchRequest PUT "/logs-mixed/_doc/$($i)?refresh=true" @{ n = $i } }

    # The certificate model first, as an estate that moves would have it.
    Get-ElasticsearchTransportCa $Nodes[0] | Add-EckTransportTrust @Eck -Wait | Out-Null
    $endpoint = Get-EckCluster @Eck | Publish-EckTransport
    Get-EckTransportCa @Eck | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes -KeystorePassword $KeystorePassword | Out-Null
    $connected = $endpoint | Connect-RemoteCluster -Connection $Local -Alias eck-mixed
    if (-not $connected.Connected) { throw "The certificate-model connection did not come up: $($connected | Out-String)" }
}

AfterAll {
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'Move-RemoteClusterToApiKey with mixed password and no-password keystores' {
    It 'moves, and every node searches the remote with the new credential' {
        $first = Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-mixed -ConfigPath $Nodes -KeystorePassword $KeystorePassword -SearchIndex 'logs-*' -Force -WarningAction SilentlyContinue
        if ($first.State -eq 'RestartRequired') {
            $first.RestartRequired | ForEach-Object { Restart-LocalNode $_ }
        }

        $moved = Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-mixed -ConfigPath $Nodes -KeystorePassword $KeystorePassword -SearchIndex 'logs-*' -Force
        $moved.State | Should -Be 'Migrated'
        $moved.SecurityModel | Should -Be 'ApiKey'

        foreach ($node in $Sandbox.localCluster.nodes) {
            $one = Connect-Node $node.httpUri
            $hits = ($one | Invoke-ElasticsearchRequest GET '/eck-mixed:logs-mixed/_search').hits.total.value
            $hits | Should -Be 2 -Because "node $($node.name) must have reloaded the credential (its keystore password: $([bool]$node.keystorePassword))"
        }
    }
}

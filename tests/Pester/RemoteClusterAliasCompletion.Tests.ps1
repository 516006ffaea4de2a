# Tab completion of values that come from a cluster: -Alias from GET /_remote/info on the bound -Connection, key names
# and ids from the bound -RemoteConnection, ECK cluster names from the Kubernetes API.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
    # Two remotes registered the plain way, so the completer has something to list without the whole workflow.
    $settings = @{ persistent = @{ cluster = @{ remote = @{
                    'eck-prod'    = @{ mode = 'proxy'; proxy_address = '127.0.0.1:9' }
                    'eck-staging' = @{ mode = 'proxy'; proxy_address = '127.0.0.1:9' }
                } } } } | ConvertTo-Json -Depth 10
    Invoke-RestMethod -Method PUT -Uri "$(@($Sandbox.localCluster.nodes.httpUri)[0])/_cluster/settings" -Credential $credential -Authentication Basic `
        -Body $settings -ContentType 'application/json' -SkipCertificateCheck | Out-Null

    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Cross-cluster API key completion' {
    BeforeAll {
        $script:Remote = Get-EckCluster -Namespace elastic -Name quickstart -KubeConfig $Sandbox.kubeconfig | New-ElasticsearchConnection
        $script:KeyA = $Remote | New-CrossClusterApiKey -Name completion-a -Alias eck-prod -SearchIndex 'logs-*'
        $script:KeyB = $Remote | New-CrossClusterApiKey -Name completion-b -Alias eck-staging -SearchIndex 'logs-*'
    }

    It 'offers the key names for Get-CrossClusterApiKey -Name' {
        Complete 'Get-CrossClusterApiKey -RemoteConnection $Remote -Name completion-' | Sort-Object | Should -Be @('completion-a', 'completion-b')
    }

    It 'offers the key ids for -Id on <_>' -ForEach 'Get-CrossClusterApiKey', 'Update-CrossClusterApiKey', 'Revoke-CrossClusterApiKey' {
        $ids = Complete "$_ -RemoteConnection `$Remote -Id "
        $ids | Should -Contain $KeyA.Id
        $ids | Should -Contain $KeyB.Id
    }

    It 'offers the aliases keys were made for on New-CrossClusterApiKey -Alias' {
        Complete 'New-CrossClusterApiKey -RemoteConnection $Remote -Name k -Alias eck-' | Sort-Object | Should -Be @('eck-prod', 'eck-staging')
    }

    It 'offers no key without a remote connection to ask' {
        Complete 'Get-CrossClusterApiKey -Name completion-' | Should -Not -Contain 'completion-a'
    }
}

Describe 'ECK cluster name completion' {
    It 'Get-EckCluster -Name without -Namespace offers the clusters of every namespace' {
        # The sandbox kubeconfig's context has no namespace (so: default), and the cluster lives in 'elastic'.
        Complete "Get-EckCluster -KubeConfig '$($Sandbox.kubeconfig)' -Name quick" | Should -Be 'quickstart'
    }

    It 'with -Namespace offers that namespace''s clusters only' {
        Complete "Get-EckCluster -KubeConfig '$($Sandbox.kubeconfig)' -Namespace default -Name quick" | Should -BeNullOrEmpty
        Complete "Get-EckCluster -KubeConfig '$($Sandbox.kubeconfig)' -Namespace elastic -Name quick" | Should -Be 'quickstart'
    }
}

Describe 'Alias completion' {
    It 'offers the registered aliases for <Command>' -ForEach @(
        @{ Command = 'Get-RemoteCluster' }
        @{ Command = 'Test-RemoteCluster' }
        @{ Command = 'Disconnect-RemoteCluster' }
        @{ Command = 'Set-RemoteClusterRole -Name reader' }
        @{ Command = 'Connect-RemoteCluster' }
        @{ Command = 'Move-RemoteClusterToApiKey -Name quickstart' }
        @{ Command = 'Add-RemoteClusterCredential -ConfigPath ./node1' }
    ) {
        Complete "$Command -Connection `$Local -Alias " | Sort-Object | Should -Be @('eck-prod', 'eck-staging')
    }

    It 'filters by what is typed' {
        Complete 'Get-RemoteCluster -Connection $Local -Alias eck-s' | Should -Be 'eck-staging'
    }

    It 'offers no alias without a connection to ask' {
        Complete 'Get-RemoteCluster -Alias eck' | Should -Not -Contain 'eck-prod'
    }
}

# Tab completion of -Alias on the remote-cluster cmdlets: the aliases come from GET /_remote/info on the bound -Connection.
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

Describe 'Alias completion' {
    It 'offers the registered aliases for <Command>' -ForEach @(
        @{ Command = 'Get-RemoteCluster' }
        @{ Command = 'Test-RemoteCluster' }
        @{ Command = 'Disconnect-RemoteCluster' }
        @{ Command = 'Set-RemoteClusterRole -Name reader' }
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

# The whole API-key workflow against one sandbox, in the order an administrator would meet it: first -WhatIf on a
# fresh sandbox, then the real run, then a second run, then what breaks a connection and what Test-RemoteCluster says.
# Every It can run alone: what it needs in place comes from a BeforeAll (Initialize-ApiKeyWorkflow), not from the Its
# before it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $script:LocalCredential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))

    <#
    The workflow's end state, whatever ran before: the remote cluster server enabled and published, logs-test with two
    documents, a fresh key for alias eck in every keystore (replacing and revoking an earlier one), the ECK CA trusted
    (nodes restarted if that needed it), eck connected, the role in place. Sets $Remote, $Local, $Key, $Endpoint, $Ca.
    #>
    function Initialize-ApiKeyWorkflow {
        $eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
        $script:Endpoint = $eck | Publish-EckRemoteClusterServer -Type LoadBalancer
        $script:Ca = $eck | Get-EckTransportCa
        $script:Remote = $eck | New-ElasticsearchConnection
        foreach ($i in 1..2) { $null = $Remote | Invoke-ElasticsearchRequest PUT "/logs-test/_doc/$($i)?refresh=true" @{ n = $i } }
        $script:Local = Connect-LocalCluster
        $script:Key = $Remote | New-CrossClusterApiKey -Name workflow-key -Alias eck -SearchIndex 'logs-*'
        $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local | Out-Null
        $Ca | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue | Where-Object RestartRequired | ForEach-Object { Restart-LocalNode $_.ConfigPath }
        $Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck | Out-Null
        Set-RemoteClusterRole -Connection $Local -Name remote-reader -Alias eck -SearchIndex 'logs-*' -RemoteClusterPrivilege monitor_enrich | Out-Null
    }
}

AfterAll {
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'The API-key workflow' {
    It 'sends no mutating request and writes no file under -WhatIf' {
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        $eck = Get-EckCluster -Namespace elastic -Name quickstart
        $eck | Enable-EckRemoteClusterServer -WhatIf | Out-Null
        # Refused (the server is not enabled yet, as -WhatIf left it): what matters here is that nothing is sent.
        $eck | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -ErrorAction SilentlyContinue | Out-Null
        $remote = $eck | New-ElasticsearchConnection
        $remote | New-CrossClusterApiKey -Name whatif-key -Alias eck -SearchIndex 'logs-*' -WhatIf | Out-Null
        $local = Connect-LocalCluster
        $fakeKey = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
        Add-RemoteClusterCredential -Alias eck -ApiKey $fakeKey -ConfigPath $Nodes -Connection $local -WhatIf | Out-Null
        $eck | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WhatIf | Out-Null
        Connect-RemoteCluster -Connection $local -Alias eck -ProxyAddress '127.0.0.1:9443' -ServerName 'quickstart-es-remote-cluster.elastic.svc' -WhatIf | Out-Null
        Set-RemoteClusterRole -Connection $local -Name remote-reader -Alias eck -SearchIndex 'logs-*' -WhatIf | Out-Null

        $mutating = Get-RequestLog | Where-Object mutating
        # Port-forward sessions are POSTs in the Kubernetes API but change nothing; everything else must be absent.
        @($mutating | Where-Object { $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'connects the self-managed cluster to ECK and searches the remote documents' {
        $eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
        $eck.RemoteClusterServerEnabled | Should -BeTrue
        $endpoint = $eck | Publish-EckRemoteClusterServer -Type LoadBalancer
        $ca = $eck | Get-EckTransportCa
        $remote = $eck | New-ElasticsearchConnection
        foreach ($i in 1..2) { $null = $remote | Invoke-ElasticsearchRequest PUT "/logs-test/_doc/$($i)?refresh=true" @{ n = $i } }
        $key = $remote | New-CrossClusterApiKey -Name workflow-key -Alias eck -SearchIndex 'logs-*'
        $local = Connect-LocalCluster

        $credentials = $key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $local
        $credentials.Change | Should -Be @('Added', 'Added')
        $credentials.Reload | Should -Be @('Reloaded', 'Reloaded')
        $trust = $ca | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue
        $trust.RestartRequired | Should -Be @($true, $true)
        $trust | ForEach-Object { Restart-LocalNode $_.ConfigPath }

        $connected = $endpoint | Connect-RemoteCluster -Connection $local -Alias eck
        $connected.Connected | Should -BeTrue
        $connected.SecurityModel | Should -Be 'ApiKey'
        $connected.ServerName | Should -Be 'quickstart-es-remote-cluster.elastic.svc'

        $test = Test-RemoteCluster -Connection $local -Alias eck -ConfigPath $Nodes -SearchIndex 'logs-*'
        $test.Connected | Should -BeTrue
        $test.SearchHits | Should -Be 2
        $test.NodeCredentials.Present | Should -Be @($true, $true)
        $test.NodeCredentials.SameAsOtherNodes | Should -Be @($true, $true)

        $role = Set-RemoteClusterRole -Connection $local -Name remote-reader -Alias eck -SearchIndex 'logs-*' -RemoteClusterPrivilege monitor_enrich
        $role.Change | Should -Be 'Created'
    }
}

Describe 'The API-key workflow, once connected' {
    BeforeAll { Initialize-ApiKeyWorkflow }

    It 'changes nothing on ECK, in elasticsearch.yml or in the cluster settings when run again' {
        Clear-RequestLog
        $before = Get-NodeFileSnapshot $Nodes
        $eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
        $endpoint = $eck | Publish-EckRemoteClusterServer -Type LoadBalancer
        ($eck | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes).RestartRequired | Should -Be @($false, $false)
        (Add-RemoteClusterCredential -Alias eck -ApiKey $Key.EncodedKey -ConfigPath $Nodes).Change | Should -Be @('Unchanged', 'Unchanged')
        ($endpoint | Connect-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
        (Set-RemoteClusterRole -Connection $Local -Name remote-reader -Alias eck -SearchIndex 'logs-*' -RemoteClusterPrivilege monitor_enrich).Change | Should -Be 'Unchanged'

        Get-NodeFileSnapshot $Nodes | Should -Be $before
        $mutating = Get-RequestLog | Where-Object { $_.mutating -and $_.path -notlike '*/portforward*' }
        @($mutating) | Should -BeNullOrEmpty
    }

    It 'replaces the key on a re-run and revokes the superseded one only once connected with the new one' {
        $old = $Key
        $new = $Remote | New-CrossClusterApiKey -Name workflow-key -Alias eck -SearchIndex 'logs-*'
        $results = $new | Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local
        $results.Change | Should -Be @('Updated', 'Updated')
        $results.Alias | Should -Be @('eck', 'eck') -Because 'the alias comes from the key'
        $active = @(Get-CrossClusterApiKey -RemoteConnection $Remote | Where-Object { $_.Alias -eq 'eck' -and -not $_.Invalidated })
        $active.Id | Should -Be $new.Id
        (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $old.Id -IncludeInvalidated).Invalidated | Should -BeTrue
        (Test-RemoteCluster -Connection $Local -Alias eck -SearchIndex 'logs-*').SearchHits | Should -Be 2
        $script:Key = $new
    }

    It 'keeps the superseded key under -WhatIf' {
        $new = $Remote | New-CrossClusterApiKey -Name whatif-rotation -Alias eck -SearchIndex 'logs-*'
        $new | Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local -WhatIf | Out-Null
        (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $Key.Id).Invalidated | Should -BeFalse
        Revoke-CrossClusterApiKey -RemoteConnection $Remote -Id $new.Id -Force | Out-Null
    }

    It 'lists the remote with Get-RemoteCluster' {
        $remote = Get-RemoteCluster -Connection $Local -Alias eck
        $remote | Should -BeOfType ([EckRemoteCluster.RemoteCluster])
        $remote.Mode | Should -Be 'proxy'
        $remote.ProxyAddress | Should -Be $Endpoint.ProxyAddress
        { Get-RemoteCluster -Connection $Local -Alias nosuch -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterNotFound,EckRemoteCluster.Commands.GetRemoteClusterCommand'
    }

    It 'lets a native user holding the role from Set-RemoteClusterRole search through the remote, and no one without it' {
        # remote-reader came from Set-RemoteClusterRole above; connecting (GET /, _authenticate) needs cluster monitor.
        Invoke-ElasticsearchRequest -Connection $Local PUT '/_security/role/connect-only' @{ cluster = @('monitor') } | Out-Null
        $password = 'searcher-' + [guid]::NewGuid().ToString('N')
        Invoke-ElasticsearchRequest -Connection $Local PUT '/_security/user/remote-searcher' @{ password = $password; roles = @('remote-reader', 'connect-only') } | Out-Null
        Invoke-ElasticsearchRequest -Connection $Local PUT '/_security/user/local-only' @{ password = $password; roles = @('connect-only') } | Out-Null
        $secure = ConvertTo-SecureString $password -AsPlainText -Force
        $connect = {
            param($user)
            New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential ([pscredential]::new($user, $secure)) -CertificateAuthority $Sandbox.localCluster.httpCaPath
        }

        $searcher = & $connect 'remote-searcher'
        $searcher.User | Should -Be 'remote-searcher'
        $result = Invoke-ElasticsearchRequest -Connection $searcher GET '/eck:logs-*/_search' -ErrorAction Stop
        $result.hits.total.value | Should -Be 2
        @($result.hits.hits._index | Sort-Object -Unique) | Should -Be @('eck:logs-test')

        # skip_unavailable is true (the default since 8.15): the refused remote is skipped, with the reason in the details.
        $other = & $connect 'local-only'
        $denied = Invoke-ElasticsearchRequest -Connection $other GET '/eck:logs-*/_search' -ErrorAction Stop
        $denied.hits.total.value | Should -Be 0
        $denied._clusters.skipped | Should -Be 1
        $denied._clusters.details.eck.status | Should -Be 'skipped'
        $denied._clusters.details.eck.failures[0].reason.reason |
            Should -Match 'towards remote cluster \[eck\] is unauthorized for user \[local-only\].*no remote indices privileges apply for the target cluster'

        foreach ($user in 'remote-searcher', 'local-only') { Invoke-ElasticsearchRequest -Connection $Local DELETE "/_security/user/$user" | Out-Null }
        Invoke-ElasticsearchRequest -Connection $Local DELETE '/_security/role/connect-only' | Out-Null
    }

    It 'never shows the encoded key in output, streams, errors or a transcript' {
        $transcript = Join-Path $TestDrive 'workflow-transcript.txt'
        Start-Transcript -Path $transcript | Out-Null
        try {
            $text = & {
                $k = $Remote | New-CrossClusterApiKey -Name secret-check -Alias secret-check -SearchIndex 'logs-*' -Verbose -Debug
                $k | Format-List * | Out-String
                $k | Format-Table | Out-String
                $k | ConvertTo-Json -Depth 3
                $k | Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local -Verbose -Debug
                $k | Add-RemoteClusterCredential -ConfigPath (@($Nodes) + (Join-Path $TestDrive 'missing')) -ErrorAction Continue
                Test-RemoteCluster -Connection $Local -Alias secret-check -ConfigPath $Nodes -Verbose
                $script:SecretKey = $k
            } *>&1 | Out-String
            $text | Out-Host
        }
        finally { Stop-Transcript | Out-Null }
        $plain = [System.Net.NetworkCredential]::new('', $SecretKey.EncodedKey).Password
        $plain.Length | Should -BeGreaterThan 20
        $text | Should -Not -Match ([regex]::Escape($plain))
        Get-Content $transcript -Raw | Should -Not -Match ([regex]::Escape($plain))
        ($Error | Out-String) | Should -Not -Match ([regex]::Escape($plain))
        Disconnect-RemoteCluster -Connection $Local -Alias secret-check -RemoveCredential -ConfigPath $Nodes -Force | Out-Null
    }
}

Describe 'When the connection breaks' {
    BeforeAll { Initialize-ApiKeyWorkflow }

    It 'says the credential is missing when a node lost it (key on one node only)' {
        Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes[1] -Force -Confirm:$false | Out-Null
        Invoke-ElasticsearchRequest -Connection $Local POST '/_nodes/reload_secure_settings' | Out-Null
        $check = Test-RemoteCluster -Connection $Local -Alias eck -ConfigPath $Nodes -WarningAction SilentlyContinue
        ($check.NodeCredentials | Where-Object { -not $_.Present }).ConfigPath | Should -Be $Nodes[1]
        # Put things back for the tests after this one.
        $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local | Out-Null
        $Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck | Out-Null
    }

    It 'puts a working registration back when new settings do not connect' {
        $before = Get-RemoteCluster -Connection $Local -Alias eck
        $err = { Connect-RemoteCluster -Connection $Local -Alias eck -ProxyAddress '127.0.0.1:9' -Timeout '00:00:03' -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterNotConnected,EckRemoteCluster.Commands.ConnectRemoteClusterCommand' -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Match 'put back'
        $after = Get-RemoteCluster -Connection $Local -Alias eck
        $after.ProxyAddress | Should -Be $before.ProxyAddress
        (Test-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
    }

    It 'reports a remote that is not registered' {
        $result = Test-RemoteCluster -Connection $Local -Alias never-registered
        $result.Connected | Should -BeFalse
        $result.Cause | Should -Be 'AliasNotRegistered'
        $result.Evidence | Should -Match 'no such remote cluster'
    }

    It 'diagnoses <Cause> when <Mistake>' -ForEach @(
        @{ Mistake = 'the address has nothing listening'; Cause = 'ProxyUnreachable'; Address = { '127.0.0.1:9' }; ServerName = $null }
        @{ Mistake = 'the API key model points at the transport port'; Cause = 'ApiKeyWrongPort'; Address = { "$($Sandbox.eckNodes.'elastic/quickstart'.nodes[0].transport)" }; ServerName = $null }
        @{ Mistake = 'the server name is not in the certificate'; Cause = 'ServerNameMismatch'; Address = { $Endpoint.ProxyAddress }; ServerName = 'wrong.example.com' }
    ) {
        $alias = "broken-$($Cause.ToLowerInvariant())"
        $Key | Add-RemoteClusterCredential -Alias $alias -ConfigPath $Nodes -Connection $Local | Out-Null
        $arguments = @{ Connection = $Local; Alias = $alias; ProxyAddress = (& $Address); Timeout = '00:00:02' }
        if ($ServerName) { $arguments.ServerName = $ServerName }
        try {
            $err = { Connect-RemoteCluster @arguments -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteClusterNotConnected,EckRemoteCluster.Commands.ConnectRemoteClusterCommand' -PassThru
            $err.Exception.Message | Should -Match $Cause
            Get-RemoteCluster -Connection $Local | Where-Object Alias -eq $alias | Should -BeNullOrEmpty -Because 'a registration that cannot connect is rolled back'

            # Registered by hand, as someone following the manual steps would: Test-RemoteCluster explains it.
            $settings = @{ mode = 'proxy'; proxy_address = $arguments.ProxyAddress }
            if ($ServerName) { $settings.server_name = $ServerName }
            Invoke-ElasticsearchRequest -Connection $Local PUT '/_cluster/settings' @{ persistent = @{ cluster = @{ remote = @{ $alias = $settings } } } } | Out-Null
            # Right after registration the nodes are still making their first attempts, as on a real cluster: each
            # Test-RemoteCluster is a fresh check; ask until the diagnosis is the settled one.
            $result = Wait-Condition -Because "Test-RemoteCluster to say $Cause" {
                $check = Test-RemoteCluster -Connection $Local -Alias $alias
                if ($check.Cause -eq $Cause) { $check }
            }
            $result.Connected | Should -BeFalse
            $result.Cause | Should -Be $Cause
            $result.Evidence | Should -Not -BeNullOrEmpty
            $result.RecommendedAction | Should -Not -BeNullOrEmpty
        }
        finally {
            Disconnect-RemoteCluster -Connection $Local -Alias $alias -RemoveCredential -ConfigPath $Nodes -Force | Out-Null
        }
    }

    It 'diagnoses CredentialMissing when the keystores lose the credential' {
        Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes -Force | Out-Null
        Invoke-ElasticsearchRequest -Connection $Local POST '/_nodes/reload_secure_settings' | Out-Null
        $err = { $Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck -Timeout '00:00:02' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'CredentialMissing'
        try {
            $remote = @{ mode = 'proxy'; proxy_address = $Endpoint.ProxyAddress; server_name = $Endpoint.ServerName }
            Invoke-ElasticsearchRequest -Connection $Local PUT '/_cluster/settings' @{ persistent = @{ cluster = @{ remote = @{ eck = $remote } } } } | Out-Null
            (Test-RemoteCluster -Connection $Local -Alias eck).Cause | Should -Be 'CredentialMissing'
        }
        finally {
            $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local | Out-Null
            ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
        }
    }

    It 'diagnoses ApiKeyInvalid when the key was revoked on the remote' {
        $revocable = $Remote | New-CrossClusterApiKey -Name revoked-key -Alias revoked -SearchIndex 'logs-*'
        $revocable | Add-RemoteClusterCredential -Alias revoked -ConfigPath $Nodes -Connection $Local | Out-Null
        try {
            ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias revoked).Connected | Should -BeTrue
            Revoke-CrossClusterApiKey -RemoteConnection $Remote -Id $revocable.Id -Force | Out-Null
            $result = Test-RemoteCluster -Connection $Local -Alias revoked -SearchIndex 'logs-*'
            $result.Connected | Should -BeFalse
            $result.Cause | Should -Be 'ApiKeyInvalid'
        }
        finally {
            Disconnect-RemoteCluster -Connection $Local -Alias revoked -RemoveCredential -ConfigPath $Nodes -Force | Out-Null
        }
    }

    It 'diagnoses RemoteCaNotTrusted when the nodes trust another CA' {
        $caFiles = $Nodes | ForEach-Object { Join-Path $_ 'remote-cluster-ca.crt' }
        $saved = $caFiles | ForEach-Object { Get-Content $_ -Raw }
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=unrelated-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $other = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
        try {
            $trust = Add-RemoteClusterTrust -CertificateAuthority $other -ConfigPath $Nodes
            $trust.RestartRequired | Should -Be @($false, $false) -Because 'only the content of a CA file the nodes already reference changed'
            $Nodes | ForEach-Object { Restart-LocalNode $_ }
            # The nodes' CA files and logs are the evidence: REST says only that no connection came up.
            $result = Test-RemoteCluster -Connection $Local -Alias eck -ConfigPath $Nodes
            $result.Connected | Should -BeFalse
            $result.Cause | Should -Be 'RemoteCaNotTrusted'
        }
        finally {
            $Ca | Add-RemoteClusterTrust -ConfigPath $Nodes | Out-Null
            $Nodes | ForEach-Object { Restart-LocalNode $_ }
            ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
        }
    }
}

Describe 'Bad input changes nothing' {
    BeforeAll {
        Initialize-ApiKeyWorkflow
        $script:FakeKey = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
        $fixtures = Join-Path (Get-RepositoryRoot) 'tests/EckRemoteCluster.Tests/NodeConfig/Fixtures'

        # Node config directories with one thing wrong each, beside the real nodes: a bad one must stop the change
        # for every node given, the real ones included.
        function New-BrokenNode([string] $Name, [scriptblock] $Break) {
            $path = Join-Path $TestDrive $Name
            Copy-Item $Nodes[0] $path -Recurse
            & $Break $path
            $path
        }
        $script:CorruptKeystoreNode = New-BrokenNode 'corrupt-keystore' {
            param($path)
            $file = Join-Path $path 'elasticsearch.keystore'
            $bytes = [IO.File]::ReadAllBytes($file); $bytes[70] = $bytes[70] -bxor 0xFF; [IO.File]::WriteAllBytes($file, $bytes)
        }
        $script:PasswordKeystoreNode = New-BrokenNode 'password-keystore' {
            param($path) Copy-Item (Join-Path $fixtures 'v6-password.keystore') (Join-Path $path 'elasticsearch.keystore') -Force
        }
        $script:BadYamlNode = New-BrokenNode 'bad-yaml' {
            param($path) Add-Content (Join-Path $path 'elasticsearch.yml') "`nbroken: [unclosed"
        }
        $script:NotAPem = Join-Path $TestDrive 'not-a-certificate.pem'
        Set-Content $NotAPem "-----BEGIN PRIVATE KEY-----`nAAAA`n-----END PRIVATE KEY-----"

        function New-SelfSignedCa([int] $Days, [bool] $IsCa) {
            $rsa = [System.Security.Cryptography.RSA]::Create(2048)
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=bad-input-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($IsCa, $false, 0, $true))
            $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays([math]::Min(-1, $Days - 2)), [DateTimeOffset]::UtcNow.AddDays($Days))
        }
        $script:ExpiredCa = New-SelfSignedCa -Days -1 -IsCa $true
        $script:LeafCertificate = New-SelfSignedCa -Days 30 -IsCa $false
        $script:KeyWithoutSecret = Get-CrossClusterApiKey -RemoteConnection $Remote -Id $Key.Id

        function Get-AllFileSnapshot { Get-NodeFileSnapshot (@($Nodes) + @(Get-ChildItem $TestDrive -Directory | ForEach-Object FullName)) }
        function Get-ClusterState {
            (Invoke-ElasticsearchRequest -Connection $Local GET '/_cluster/settings?flat_settings=true' | ConvertTo-Json -Depth 5 -Compress) +
                (Get-CrossClusterApiKey -RemoteConnection $Remote -IncludeInvalidated | ForEach-Object { "$($_.Id)=$($_.Invalidated)" } | Sort-Object | Out-String)
        }
    }

    It 'rejects <Name> with <Id>' -ForEach @(
        @{ Name = 'alias with a dot'; Id = 'InvalidRemoteClusterAlias'; Run = { Add-RemoteClusterCredential -Alias 'a.b' -ApiKey $FakeKey -ConfigPath $Nodes } }
        @{ Name = 'alias with a colon'; Id = 'InvalidRemoteClusterAlias'; Run = { Connect-RemoteCluster -Connection $Local -Alias 'a:b' -ProxyAddress '127.0.0.1:9443' } }
        @{ Name = 'proxy address without a port'; Id = 'InvalidProxyAddress'; Run = { Connect-RemoteCluster -Connection $Local -Alias ok -ProxyAddress '127.0.0.1' } }
        @{ Name = 'proxy port out of range'; Id = 'InvalidProxyAddress'; Run = { Connect-RemoteCluster -Connection $Local -Alias ok -ProxyAddress '127.0.0.1:70000' } }
        @{ Name = 'IPv6 proxy address without brackets'; Id = 'InvalidProxyAddress'; Run = { Connect-RemoteCluster -Connection $Local -Alias ok -ProxyAddress '2001:db8::1:9443' } }
        @{ Name = 'server name that is not a host name'; Id = 'InvalidServerName'; Run = { Connect-RemoteCluster -Connection $Local -Alias ok -ProxyAddress '127.0.0.1:9443' -ServerName 'not a name!' } }
        @{ Name = 'unreachable proxy address'; Id = 'RemoteClusterNotConnected'; SendsChanges = $true; Run = { Connect-RemoteCluster -Connection $Local -Alias unreachable -ProxyAddress '127.0.0.1:9' -Timeout '00:00:02' } }
        @{ Name = 'config dir that is not an Elasticsearch config'; Id = 'NotAnElasticsearchConfigDirectory'; Run = { Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath (@($Nodes) + $TestDrive) } }
        @{ Name = 'elasticsearch.yml that is not valid YAML on one node'; Id = 'ElasticsearchYmlInvalid'; Run = { Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath (@($Nodes) + $BadYamlNode) } }
        @{ Name = 'PEM that is not a certificate'; Id = 'InvalidCertificate'; Run = { Add-RemoteClusterTrust -CertificateAuthority $NotAPem -ConfigPath $Nodes } }
        @{ Name = 'CA file that does not exist'; Id = 'CertificateFileNotFound'; Run = { Add-RemoteClusterTrust -CertificateAuthority (Join-Path $TestDrive 'absent.crt') -ConfigPath $Nodes } }
        @{ Name = 'expired CA'; Id = 'CertificateAuthorityExpired'; Run = { Add-RemoteClusterTrust -CertificateAuthority $ExpiredCa -ConfigPath $Nodes } }
        @{ Name = 'certificate that is not a CA'; Id = 'NotACertificateAuthority'; Run = { Add-RemoteClusterTrust -CertificateAuthority $LeafCertificate -ConfigPath $Nodes } }
        @{ Name = 'corrupted keystore on one node'; Id = 'KeystoreCorrupted'; Run = { Add-RemoteClusterCredential -Alias eck2 -ApiKey $FakeKey -ConfigPath (@($Nodes) + $CorruptKeystoreNode) } }
        @{ Name = 'password-protected keystore without the password'; Id = 'KeystorePasswordRequired'; Run = { Add-RemoteClusterCredential -Alias eck2 -ApiKey $FakeKey -ConfigPath (@($Nodes) + $PasswordKeystoreNode) } }
        @{ Name = 'keystore with a wrong password'; Id = 'KeystorePasswordIncorrect'; Run = { Get-ElasticsearchKeystore -ConfigPath $PasswordKeystoreNode -KeystorePassword $FakeKey } }
        @{ Name = 'key whose secret Elasticsearch no longer returns'; Id = 'EncodedKeyUnavailable'; Run = { $KeyWithoutSecret | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes } }
        @{ Name = 'credential without an alias'; Id = 'AliasRequired'; Run = { Add-RemoteClusterCredential -ApiKey $FakeKey -ConfigPath $Nodes } }
        @{ Name = 'role name starting with an underscore'; Id = 'InvalidRoleName'; Run = { Set-RemoteClusterRole -Connection $Local -Name '_bad' -Alias eck -SearchIndex 'logs-*' } }
        @{ Name = 'role for an invalid alias'; Id = 'InvalidRemoteClusterAlias'; Run = { Set-RemoteClusterRole -Connection $Local -Name good -Alias 'a.b' -SearchIndex 'logs-*' } }
        @{ Name = 'search of an invalid index pattern'; Id = 'InvalidIndexPattern'; Run = { Test-RemoteCluster -Connection $Local -Alias eck -SearchIndex 'logs/x' } }
        @{ Name = 'empty API key name'; Id = 'InvalidApiKeyName'; Run = { $Remote | New-CrossClusterApiKey -Name ' ' -SearchIndex 'logs-*' } }
        @{ Name = '257-character API key name'; Id = 'InvalidApiKeyName'; Run = { $Remote | New-CrossClusterApiKey -Name ('k' * 257) -SearchIndex 'logs-*' } }
        @{ Name = 'API key name starting with an underscore'; Id = 'InvalidApiKeyName'; Run = { $Remote | New-CrossClusterApiKey -Name '_reserved' -SearchIndex 'logs-*' } }
        @{ Name = 'API key without access'; Id = 'InvalidApiKeyAccess'; Run = { $Remote | New-CrossClusterApiKey -Name noaccess } }
        @{ Name = 'API key metadata key starting with an underscore'; Id = 'InvalidApiKeyMetadata'; Run = { $Remote | New-CrossClusterApiKey -Name meta -SearchIndex 'logs-*' -Metadata @{ _reserved = 1 } } }
        @{ Name = 'credential removal without the node directories'; Id = 'ConfigPathRequired'; Run = { Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -Force } }
        @{ Name = 'key revocation without the remote connection'; Id = 'RemoteConnectionRequired'; Run = { Disconnect-RemoteCluster -Connection $Local -Alias eck -RevokeApiKey -Force } }
    ) {
        $files = Get-AllFileSnapshot
        $cluster = Get-ClusterState
        Clear-RequestLog
        $err = { $ErrorActionPreference = 'Stop'; & $Run } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Get-AllFileSnapshot | Should -Be $files
        Get-ClusterState | Should -Be $cluster
        if (-not $SendsChanges) {
            @(Get-RequestLog | Where-Object { $_.mutating -and $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
        }
        (Test-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue -Because 'the working connection is untouched'
    }
}

Describe 'Disconnect-RemoteCluster' {
    BeforeAll { Initialize-ApiKeyWorkflow }

    It 'changes nothing under -WhatIf' {
        $files = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes -RevokeApiKey -RemoteConnection $Remote -WhatIf
        Get-NodeFileSnapshot $Nodes | Should -Be $files
        @(Get-RequestLog | Where-Object { $_.mutating -and $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
        (Test-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
    }

    It 'removes the registration, every node credential and the module keys for the alias' {
        $results = Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes -RevokeApiKey -RemoteConnection $Remote -Force
        $results.Change | Should -Be @('Removed', 'Removed')
        Get-RemoteCluster -Connection $Local | Where-Object Alias -eq 'eck' | Should -BeNullOrEmpty
        foreach ($node in $Nodes) { Get-ElasticsearchKeystore -ConfigPath $node -Name 'cluster.remote.eck.credentials' | Should -BeNullOrEmpty }
        @(Get-CrossClusterApiKey -RemoteConnection $Remote | Where-Object { $_.Alias -eq 'eck' -and -not $_.Invalidated }) | Should -BeNullOrEmpty
        (Test-RemoteCluster -Connection $Local -Alias eck).Cause | Should -Be 'AliasNotRegistered'
    }

    It 'changes nothing the second time' {
        Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes -RevokeApiKey -RemoteConnection $Remote -Force | Out-Null
        $files = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        Disconnect-RemoteCluster -Connection $Local -Alias eck -RemoveCredential -ConfigPath $Nodes -RevokeApiKey -RemoteConnection $Remote -Force | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $files
        @(Get-RequestLog | Where-Object { $_.mutating -and $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
    }
}

# Get-RemoteClusterHealth and Watch-RemoteCluster on one sandbox: a healthy pair, then each day-2 problem made by hand
# as it happens in real life (a key created to expire soon, a node's keystore restored from before the credential, a
# CA file edited on one node, a remote that does not answer), the runbook error, the JSON form, bad input, and a watch
# that reports a change and stops on Ctrl+C. Each It starts from the healthy pair (Restore-HealthyPair in BeforeEach).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $script:Local = Connect-LocalCluster
    # The second node's keystore as it was before the credential: copying it back is "the node lost its credential".
    $script:LostKeystore = Join-Path $Nodes[1] 'elasticsearch.keystore'
    $script:KeystoreWithoutCredential = [IO.File]::ReadAllBytes($LostKeystore)

    $script:Eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
    $script:Endpoint = $Eck | Publish-EckRemoteClusterServer -Type LoadBalancer
    $script:Remote = $Eck | New-ElasticsearchConnection
    $script:Key = $Remote | New-CrossClusterApiKey -Name health-key -Alias eck -Search 'logs-*'
    $null = Add-RemoteClusterCredential -Alias eck -ApiKey $Key.EncodedKey -ConfigPath $Nodes -Connection $Local
    $Eck | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue |
        Where-Object RestartRequired | ForEach-Object { Restart-LocalNode $_.ConfigPath }

    <# The healthy pair, whatever an It broke: the key in every keystore, ECK's CA in every CA file, eck registered and connected. #>
    function Restore-HealthyPair {
        $null = Add-RemoteClusterCredential -Alias eck -ApiKey $Key.EncodedKey -ConfigPath $Nodes -Connection $Local
        $null = Get-EckCluster -Namespace elastic -Name quickstart | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue
        $null = $Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck
        Wait-Condition -TimeoutSeconds 60 -Because 'eck connects' { (Test-RemoteCluster -Connection $Local -Alias eck -NoHandshake).Connected }
    }

    function Get-Health([hashtable] $Extra = @{}) {
        $Eck | Get-RemoteClusterHealth -Connection $Local -Alias eck -ConfigPath $Nodes @Extra
    }

    # A powershell running Watch-RemoteCluster in its own runspace, as a console would, with its output collected.
    function Start-Watch([string] $Interval) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $Local, $Nodes, $Interval)
                Import-Module $Manifest
                Watch-RemoteCluster -Connection $Local -Alias eck -ConfigPath $Nodes -Interval $Interval
            }).AddArgument((Get-BuiltModuleManifest)).AddArgument($Local).AddArgument($Nodes).AddArgument($Interval)
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $noInput = [Management.Automation.PSDataCollection[psobject]]::new()
        $noInput.Complete()
        $null = $ps.BeginInvoke($noInput, $output)
        [pscustomobject]@{ PowerShell = $ps; Output = $output }
    }

    # What a running watch wrote so far (-Stream Progress: its progress records). Enumerating a PSDataCollection
    # itself would block until the watch ends.
    function Get-WatchOutput($Watch, [switch] $Progress) {
        # Assigned, never written to the pipeline: that would enumerate it too (and block).
        $collection = $Watch.Output
        if ($Progress) { $collection = $Watch.PowerShell.Streams.Progress }
        for ($i = 0; $i -lt $collection.Count; $i++) { $collection[$i] }
    }

    # Ctrl+C: Stop the pipeline and wait for it to end. The bound is generous (the 2-core test machine is shared and
    # under -Stress); it only fails a watch that does not stop. The measured time is printed for the record.
    function Stop-Watch($Watch) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $stopping = $Watch.PowerShell.BeginStop($null, $null)
        $stopped = $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30))
        $clock.Stop()
        Write-Host "Watch-RemoteCluster stopped $($clock.ElapsedMilliseconds) ms after Stop()."
        $stopped | Should -BeTrue -Because 'Ctrl+C ends the watch'
        $Watch.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $Watch.PowerShell.Dispose()
    }
}

AfterAll {
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'Get-RemoteClusterHealth' {
    BeforeEach { Restore-HealthyPair }

    It 'reports a healthy pair: connected, the key by its id, the CA a year away, no drift, no finding, and changes nothing' {
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        $health = Get-Health
        $health.Alias | Should -Be 'eck'
        $health.Status | Should -Be 'Healthy' -Because ($health.Findings | Out-String)
        $health.Connected | Should -BeTrue
        $health.SecurityModel | Should -Be 'ApiKey'
        $health.ApiKeyId | Should -Be $Key.Id
        $health.ApiKeyExpiresInDays | Should -BeNullOrEmpty -Because 'the key never expires'
        $health.CaExpiresInDays | Should -BeGreaterThan 300
        $health.CredentialDrift | Should -BeNullOrEmpty
        $health.TrustDrift | Should -BeNullOrEmpty
        $health.Findings | Should -BeNullOrEmpty
        @(Get-RequestLog -Mutating | Where-Object { $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'warns of a key created to expire in 5 days, naming Update-RemoteClusterCredential; with the default thresholds it is an error' {
        $short = $Remote | New-CrossClusterApiKey -Name health-short -Search 'logs-*' -Expiration 5d
        $null = Add-RemoteClusterCredential -Alias eck -ApiKey $short.EncodedKey -ConfigPath $Nodes -Connection $Local
        $health = Get-Health @{ WarningDays = 30; ErrorDays = 3 }
        $health.ApiKeyId | Should -Be $short.Id
        $health.ApiKeyExpiresInDays | Should -BeIn 4, 5
        $health.Status | Should -Be 'Warning'
        $finding = $health.Findings | Where-Object Code -eq 'ApiKeyExpiring'
        $finding.Severity | Should -Be 'Warning'
        $finding.FixedBy | Should -Be 'Update-RemoteClusterCredential'
        $finding.Evidence | Should -Match $short.Id
        (Get-Health).Status | Should -Be 'Error' -Because '5 days is within the default -ErrorDays 7'
    }

    It 'names the node whose keystore lost the credential (restored from before it was added)' {
        [IO.File]::WriteAllBytes($LostKeystore, $KeystoreWithoutCredential)
        $health = Get-Health
        $health.CredentialDrift | Should -Be @($Nodes[1])
        $health.Status | Should -Be 'Error'
        $finding = $health.Findings | Where-Object Code -eq 'CredentialMissingOnNodes'
        $finding.FixedBy | Should -Be 'Add-RemoteClusterCredential'
        $finding.Evidence | Should -Match ([regex]::Escape($Nodes[1]))
        $health.ApiKeyId | Should -Be $Key.Id -Because 'the other node still holds the key'
    }

    It 'names the node whose CA file was edited by hand as TrustDrift against ECK''s current CA' {
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=hand-edited-ca', [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $pem = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(300)).ExportCertificatePem()
        Set-Content (Join-Path $Nodes[1] 'remote-cluster-ca.crt') $pem
        $health = Get-Health
        $health.TrustDrift | Should -Be @($Nodes[1])
        $finding = $health.Findings | Where-Object Code -eq 'TrustDrift'
        $finding.Severity | Should -Be 'Error'
        $finding.FixedBy | Should -Be 'Sync-RemoteClusterTrust'
        $finding.Evidence | Should -Match 'CN=hand-edited-ca'
        $health.CredentialDrift | Should -BeNullOrEmpty
    }

    It 'counts in CaExpiresInDays only the CA the served chain leads to, not another ECK cluster''s CA in the shared CA file' {
        # Another ECK cluster's CA, expiring in 10 days, beside this one's in the CA file the links share.
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=other-eck-ca', [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $other = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(10)).ExportCertificatePem()
        foreach ($dir in $Nodes) { Add-Content (Join-Path $dir 'remote-cluster-ca.crt') "`n$other" }

        $health = $Eck | Get-RemoteClusterHealth -Connection $Local -Alias eck -ConfigPath $Nodes
        $health.CaExpiresInDays | Should -BeGreaterThan 300 -Because 'the chain eck serves leads to its own CA, a year away'
        $health.Findings.Code | Should -Not -Contain 'CaExpiring'
        # Without the ECK cluster and with the remote down, nothing tells the CAs apart: every CA the nodes trust counts.
        $null = $Local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ 'cluster.remote.eck.proxy_address' = '127.0.0.1:9' } }
        (Get-RemoteClusterHealth -Connection $Local -Alias eck -ConfigPath $Nodes).CaExpiresInDays | Should -BeIn 9, 10
    }

    It '-FailOn ends with RemoteClusterUnhealthy naming the findings and their fixes, after writing the results' {
        { Get-Health @{ FailOn = 'Warning' } } | Should -Not -Throw
        [IO.File]::WriteAllBytes($LostKeystore, $KeystoreWithoutCredential)
        $written = [Collections.Generic.List[object]]::new()
        $err = { Get-Health @{ FailOn = 'Error' } | ForEach-Object { $written.Add($_) } } |
            Should -Throw -ErrorId 'RemoteClusterUnhealthy,EckRemoteCluster.Commands.GetRemoteClusterHealthCommand' -PassThru
        $err.Exception.Message | Should -Match 'eck is Error: CredentialMissingOnNodes \(Error, fix with Add-RemoteClusterCredential\)'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Add-RemoteClusterCredential'
        $written.Count | Should -Be 1 -Because 'the results are written before the error'
    }

    It 'converts to clean JSON: the documented properties, statuses as words, no certificate, connection or secret' {
        $secret = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((ConvertFrom-SecureString $Key.EncodedKey -AsPlainText))).Split(':')[1]
        # -WarningDays 1000: the sandbox CA (a year) becomes a finding, so the JSON has findings too.
        $json = Get-Health @{ WarningDays = 1000 } | ConvertTo-Json -Depth 10
        $parsed = $json | ConvertFrom-Json
        @($parsed.PSObject.Properties.Name) | Should -Be @('Alias', 'Connected', 'SecurityModel', 'ApiKeyId', 'ApiKeyExpiration', 'ApiKeyExpiresInDays',
            'CaExpiration', 'CaExpiresInDays', 'CredentialDrift', 'TrustDrift', 'Status', 'Findings', 'CheckedAt')
        $parsed.Status | Should -Be 'Warning'
        $parsed.SecurityModel | Should -Be 'ApiKey'
        @($parsed.Findings | ForEach-Object { $_.PSObject.Properties.Name } | Select-Object -Unique) | Should -Be @('Code', 'Severity', 'Evidence', 'FixedBy', 'RecommendedAction')
        $parsed.Findings[0].Code | Should -Be 'CaExpiring'
        $json | Should -Not -Match 'SecureString|RawData|Thumbprint"|Client'
        $json | Should -Not -Match ([regex]::Escape($secret))
        $json.Length | Should -BeLessThan 6000 -Because 'no nested .NET object is serialized'
    }

    It 'turns a remote that does not answer into findings, not a failure' {
        $null = $Local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ 'cluster.remote.eck.proxy_address' = '127.0.0.1:9' } }
        Add-SandboxFault @{ target = 'elastic/quickstart'; method = 'GET'; pathPattern = '_security/api_key'; status = 503; count = 1000 }
        try {
            $health = $Eck | Get-RemoteClusterHealth -Connection $Local -Alias eck -ConfigPath $Nodes -ErrorVariable failures
            $failures | Should -BeNullOrEmpty
            $health.Connected | Should -BeFalse
            $health.Status | Should -Be 'Error'
            $notConnected = $health.Findings | Where-Object Code -eq 'NotConnected'
            $notConnected.FixedBy | Should -Be 'Connect-RemoteCluster'
            ($health.Findings | Where-Object Code -eq 'RemoteKeyUnreadable').Evidence | Should -Match '503' -Because ($health.Findings | Out-String)
        }
        finally { Clear-SandboxFault }
    }

    It 'refuses bad input with its own error id before asking anything or changing any file: <Case>' -ForEach @(
        @{ Case = 'an unknown alias'; Id = 'RemoteClusterNotFound,EckRemoteCluster.Commands.GetRemoteClusterHealthCommand'; Run = { Get-RemoteClusterHealth -Connection $Local -Alias nosuch -ConfigPath $Nodes -ErrorAction Stop } }
        @{ Case = '-ErrorDays above -WarningDays'; Id = 'InvalidHealthThreshold,EckRemoteCluster.Commands.GetRemoteClusterHealthCommand'; Run = { Get-RemoteClusterHealth -Connection $Local -WarningDays 5 -ErrorDays 10 -ConfigPath $Nodes -ErrorAction Stop } }
        @{ Case = 'an alias Elasticsearch refuses'; Id = 'InvalidRemoteClusterAlias,EckRemoteCluster.Commands.GetRemoteClusterHealthCommand'; Run = { Get-RemoteClusterHealth -Connection $Local -Alias 'a:b' -ErrorAction Stop } }
        @{ Case = 'a watch interval of 0'; Id = 'InvalidWatchInterval,EckRemoteCluster.Commands.WatchRemoteClusterCommand'; Run = { Watch-RemoteCluster -Connection $Local -Interval 0 -ConfigPath $Nodes } }
        @{ Case = 'a watch of an unknown alias'; Id = 'RemoteClusterNotFound,EckRemoteCluster.Commands.WatchRemoteClusterCommand'; Run = { Watch-RemoteCluster -Connection $Local -Alias nosuch -ConfigPath $Nodes } }
    ) {
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        $Run | Should -Throw -ErrorId $Id
        @(Get-RequestLog | Where-Object { $_.path -ne '/_remote/info' }) | Should -BeNullOrEmpty -Because 'at most the registered remotes are read'
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }
}

Describe 'Get-RemoteClusterHealth -Session' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
        $script:NodeSessions = Open-SandboxNodeSessions $Sandbox
        $script:Sessions = $NodeSessions.Sessions
    }

    AfterAll { Close-SandboxNodeSessions $NodeSessions }

    BeforeEach { Restore-HealthyPair }

    It 'reads the keystores and CA files on each node through its session: healthy, then the node that lost its credential' {
        $healthy = $Eck | Get-RemoteClusterHealth -Connection $Local -Alias eck -Session $Sessions
        $healthy.Status | Should -Be 'Healthy' -Because ($healthy.Findings | Out-String)
        $healthy.ApiKeyId | Should -Be $Key.Id
        $healthy.CaExpiresInDays | Should -BeGreaterThan 300
        $healthy.CredentialDrift | Should -BeNullOrEmpty
        $healthy.TrustDrift | Should -BeNullOrEmpty

        [IO.File]::WriteAllBytes($LostKeystore, $KeystoreWithoutCredential)
        $lost = $Eck | Get-RemoteClusterHealth -Connection $Local -Alias eck -Session $Sessions
        $lost.Status | Should -Be 'Error'
        $lost.CredentialDrift | Should -HaveCount 1
        $lost.CredentialDrift[0] | Should -Match ([regex]::Escape($Nodes[1])) -Because 'the node is named by its session and config directory'
        ($lost.Findings | Where-Object Code -eq 'CredentialMissingOnNodes').FixedBy | Should -Be 'Add-RemoteClusterCredential'
    }
}

Describe 'Watch-RemoteCluster' {
    BeforeEach { Restore-HealthyPair }

    It 'writes the first state, then a change object when a node loses its credential, with progress between checks' {
        $watch = Start-Watch '00:00:01'
        try {
            $first = Wait-Condition -TimeoutSeconds 120 -Because 'the first check reports eck' { Get-WatchOutput $watch | Select-Object -First 1 }
            $first.Alias | Should -Be 'eck'
            $first.PreviousStatus | Should -BeNullOrEmpty
            $first.Status | Should -Be 'Healthy'
            [IO.File]::WriteAllBytes($LostKeystore, $KeystoreWithoutCredential)
            $change = Wait-Condition -TimeoutSeconds 120 -Because 'a later check sees the lost credential' { Get-WatchOutput $watch | Where-Object { $_.Changes -match 'CredentialMissingOnNodes' } | Select-Object -First 1 }
            $change.PreviousStatus | Should -Be 'Healthy'
            $change.Status | Should -Be 'Error'
            $change.Changes | Should -Contain "CredentialDrift: [] -> [$($Nodes[1])]"
            $change.Health.CredentialDrift | Should -Be @($Nodes[1])
            @(Get-WatchOutput $watch | Where-Object Status -eq 'Healthy').Count | Should -Be 1 -Because 'an unchanged state is not written again'
            Get-WatchOutput $watch -Progress | Where-Object Activity -eq 'Watching remote clusters' | Should -Not -BeNullOrEmpty
        }
        finally { Stop-Watch $watch }
    }

    It 'stops on Ctrl+C while it waits for the next check' {
        $watch = Start-Watch '01:00:00'
        try {
            Wait-Condition -TimeoutSeconds 120 -Because 'the first check is written and the hour-long wait begins' {
                $watch.Output.Count -ge 1 -and (Get-WatchOutput $watch -Progress | Where-Object Activity -eq 'Watching remote clusters')
            } | Out-Null
        }
        finally { Stop-Watch $watch }
    }
}

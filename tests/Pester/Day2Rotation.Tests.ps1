# Day 2 (issue 12): Update-RemoteClusterCredential rotates the cross-cluster API key, Sync-RemoteClusterTrust follows
# ECK's transport CA rotation. One sandbox for both (its start is the expensive part); every It sets up what it needs
# through the idempotent Initialize-ConnectedRemote and Set-TestKey, never through an earlier It.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)

    <# The remote 'eck' connected with the API-key model and logs-test holding three documents; sets $Eck, $Remote, $Local. #>
    function Initialize-ConnectedRemote {
        $script:Eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
        $endpoint = $Eck | Publish-EckRemoteClusterServer -Type LoadBalancer
        $script:Remote = $Eck | New-ElasticsearchConnection
        foreach ($i in 1..3) { $null = $Remote | Invoke-ElasticsearchRequest PUT "/logs-test/_doc/$($i)?refresh=true" @{ n = $i } }
        $script:Local = Connect-LocalCluster
        if (-not (Get-ElasticsearchKeystore -ConfigPath $Nodes -Name 'cluster.remote.eck.credentials')) {
            $Remote | New-CrossClusterApiKey -Name eck-test -Alias eck -SearchIndex 'logs-*' |
                Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local | Out-Null
        }
        $Eck | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue |
            Where-Object RestartRequired | ForEach-Object { Restart-LocalNode $_.ConfigPath }
        $endpoint | Connect-RemoteCluster -Connection $Local -Alias eck -ErrorAction SilentlyContinue | Out-Null
        if (-not (Test-RemoteCluster -Connection $Local -Alias eck -Quiet)) {
            # The keystores hold a key that no longer works (an It that failed half-way): a fresh one.
            $Remote | New-CrossClusterApiKey -Name eck-test -Alias eck -SearchIndex 'logs-*' |
                Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local | Out-Null
            Wait-Condition { Test-RemoteCluster -Connection $Local -Alias eck -Quiet } -Because 'eck to connect' | Out-Null
        }
    }

    <# A fresh key for 'eck' on every node, expiring in -Expiration; the module revokes the one it replaces. #>
    function Set-TestKey([string] $Expiration) {
        Initialize-ConnectedRemote
        $key = $Remote | New-CrossClusterApiKey -Name "eck-test-$Expiration" -Alias eck -SearchIndex 'logs-*' -Expiration $Expiration
        $key | Add-RemoteClusterCredential -ConfigPath $Nodes -Connection $Local | Out-Null
        Wait-Condition { Test-RemoteCluster -Connection $Local -Alias eck -Quiet } -Because 'eck to connect with the test key' | Out-Null
        $key
    }

    <# The key id each node's keystore holds for 'eck' (the id only; the secret stays in this function). #>
    function Get-NodeKeyId([string[]] $ConfigPath = $Nodes) {
        foreach ($dir in $ConfigPath) {
            $entry = Get-ElasticsearchKeystore -ConfigPath $dir -Name 'cluster.remote.eck.credentials'
            $plain = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((ConvertFrom-SecureString $entry.Value -AsPlainText)))
            $plain.Split(':')[0]
        }
    }

    function Get-MutatingRequest { @(Get-RequestLog | Where-Object { $_.mutating -and $_.path -notlike '*/portforward*' }) }

    function Search-Remote { $Local | Invoke-ElasticsearchRequest GET '/eck:logs-*/_search?size=0' }

    function Get-CaThumbprint([string] $Pem) {
        $collection = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $collection.ImportFromPem($Pem)
        @($collection | ForEach-Object Thumbprint)
    }

    function Get-NodeCaThumbprint { foreach ($dir in $Nodes) { , @(Get-CaThumbprint (Get-Content -Raw (Join-Path $dir 'remote-cluster-ca.crt'))) } }

    <#
    Searches eck:logs-* through the local cluster in a background thread until Stop-SearchLoop; each search must
    reach the remote (skip_unavailable would hide a failure as a skipped cluster, so the hit count is what counts).
    #>
    function Start-SearchLoop {
        $script:Loop = [hashtable]::Synchronized(@{ Stop = $false; Runs = 0; Failures = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new()) })
        $script:LoopJob = Start-ThreadJob -ArgumentList (Get-BuiltModuleManifest), $Local, $Loop -ScriptBlock {
            param($Manifest, $Local, $Loop)
            Import-Module $Manifest
            while (-not $Loop.Stop) {
                try {
                    $answer = $Local | Invoke-ElasticsearchRequest GET '/eck:logs-*/_search?size=0' -ErrorAction Stop
                    if ($answer.hits.total.value -ne 3) { $null = $Loop.Failures.Add("hits $($answer.hits.total.value): $($answer._clusters | ConvertTo-Json -Compress -Depth 6)") }
                }
                catch { $null = $Loop.Failures.Add("$_") }
                $Loop.Runs++
            }
        }
        Wait-Condition { $Loop.Runs -ge 3 } -Because 'the search loop to run' | Out-Null
    }

    function Stop-SearchLoop {
        $Loop.Stop = $true
        $LoopJob | Wait-Job | Receive-Job -ErrorAction Continue | Out-Null
        $LoopJob | Remove-Job
        [pscustomobject]@{ Runs = $Loop.Runs; Failures = @($Loop.Failures) }
    }
}

AfterAll {
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'Update-RemoteClusterCredential' {
    It 'rotates a key that expires within the window: a new key with the same access on every node, verified, the old one revoked' {
        $old = Set-TestKey 10d
        $oldAccess = (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $old.Id).Access

        $result = Update-RemoteClusterCredential -Connection $Local -Alias eck -RemoteConnection $Remote -ConfigPath $Nodes -ExpiringWithin 30d -Expiration 90d -SearchIndex 'logs-*'

        $result.Action | Should -Be 'Rotated'
        $result.PreviousKeyId | Should -Be $old.Id
        $result.ApiKeyId | Should -Not -Be $old.Id
        $result.Verified | Should -BeTrue
        $result.PreviousKeyRevoked | Should -BeTrue
        $result.ExpiresInDays | Should -BeIn 89, 90
        Get-NodeKeyId | Should -Be @($result.ApiKeyId, $result.ApiKeyId)
        $new = Get-CrossClusterApiKey -RemoteConnection $Remote -Id $result.ApiKeyId
        $new.Access | Should -Be $oldAccess
        $new.Alias | Should -Be 'eck'
        $new.Metadata['rotated-from'] | Should -Be $old.Id
        (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $old.Id -IncludeInvalidated).Invalidated | Should -BeTrue
        # The old key is revoked, so a search that reaches the remote proves the nodes use the new one.
        (Search-Remote).hits.total.value | Should -Be 3
        ($result | Out-String) + ($result | ConvertTo-Json) | Should -Not -Match ([regex]::Escape((ConvertFrom-SecureString $old.EncodedKey -AsPlainText)))
    }

    It 'takes the ECK cluster from the pipeline, and a second run with the window is Unchanged' {
        Set-TestKey 10d | Out-Null
        $first = $Eck | Update-RemoteClusterCredential -Connection $Local -Alias eck -ConfigPath $Nodes -ExpiringWithin 30d -Expiration 90d
        $first.Action | Should -Be 'Rotated'
        Clear-RequestLog
        $before = Get-NodeFileSnapshot $Nodes

        $second = $Eck | Update-RemoteClusterCredential -Connection $Local -Alias eck -ConfigPath $Nodes -ExpiringWithin 30d -Expiration 90d

        $second.Action | Should -Be 'Unchanged'
        $second.ApiKeyId | Should -Be $first.ApiKeyId
        $second.Reason | Should -Match 'outside the 30 days window'
        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'changes nothing under -WhatIf' {
        $old = Set-TestKey 10d
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog

        $result = Update-RemoteClusterCredential -Connection $Local -Alias eck -RemoteConnection $Remote -ConfigPath $Nodes -ExpiringWithin 30d -WhatIf

        $result | Should -BeNullOrEmpty
        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
        Get-NodeKeyId | Should -Be @($old.Id, $old.Id)
        (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $old.Id).Invalidated | Should -BeFalse
    }

    It 'refuses bad input with a specific ErrorId and changes nothing' -TestCases @(
        @{ Case = 'a window that is no time value'; Arguments = @{ ExpiringWithin = 'a month' }; ErrorId = 'InvalidRotationWindow' }
        @{ Case = 'an expiration that is no time value'; Arguments = @{ Expiration = '-1d' }; ErrorId = 'InvalidApiKeyExpiration' }
        @{ Case = 'no remote'; Arguments = @{ RemoteConnection = $null }; ErrorId = 'RemoteConnectionRequired' }
        @{ Case = 'an alias no node holds a key for'; Arguments = @{ Alias = 'nokey' }; ErrorId = 'CredentialNotOnNodes' }
    ) {
        Set-TestKey 10d | Out-Null
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        $parameters = @{ Connection = $Local; Alias = 'eck'; RemoteConnection = $Remote; ConfigPath = $Nodes; Confirm = $false }
        foreach ($name in $Arguments.Keys) {
            if ($null -eq $Arguments[$name]) { $parameters.Remove($name) } else { $parameters[$name] = $Arguments[$name] }
        }

        { Update-RemoteClusterCredential @parameters -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,EckRemoteCluster.Commands.UpdateRemoteClusterCredentialCommand" -Because $Case

        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'leaves everything as it was when the remote fails to create the key' {
        $old = Set-TestKey 10d
        $before = Get-NodeFileSnapshot $Nodes
        Add-SandboxFault @{ target = 'elastic/quickstart'; method = 'POST'; pathPattern = 'cross_cluster/api_key'; status = 503; count = 1 }
        try {
            { Update-RemoteClusterCredential -Connection $Local -Alias eck -RemoteConnection $Remote -ConfigPath $Nodes -ErrorAction Stop } | Should -Throw
        }
        finally { Clear-SandboxFault }

        Get-NodeFileSnapshot $Nodes | Should -Be $before
        Get-NodeKeyId | Should -Be @($old.Id, $old.Id)
        @(Get-CrossClusterApiKey -RemoteConnection $Remote | Where-Object Alias -eq 'eck').Id | Should -Be @($old.Id)
        (Search-Remote).hits.total.value | Should -Be 3
    }

    It 'puts the old key back when the new one does not work, revokes the unused new key and fails with CredentialRotationNotVerified' {
        $old = Set-TestKey 10d
        # The reload is held; meanwhile the new key is revoked on the remote, so the check with it must fail.
        Add-SandboxFault @{ target = 'local'; method = 'POST'; pathPattern = 'reload_secure_settings'; action = 'hold'; count = 1 }
        try {
            $job = Start-ThreadJob -ArgumentList (Get-BuiltModuleManifest), $Local, $Remote, $Nodes -ScriptBlock {
                param($Manifest, $Local, $Remote, $Nodes)
                Import-Module $Manifest
                try { Update-RemoteClusterCredential -Connection $Local -Alias eck -RemoteConnection $Remote -ConfigPath $Nodes -VerifyTimeout 00:00:20 -ErrorAction Stop; 'NOT STOPPED' }
                catch { "CAUGHT $($_.FullyQualifiedErrorId)" }
            }
            Wait-Condition { (Invoke-SandboxControl -Path '/faults').held -ge 1 } -Because 'the reload to be held' | Out-Null
            $new = Get-CrossClusterApiKey -RemoteConnection $Remote | Where-Object { $_.Alias -eq 'eck' -and $_.Id -ne $old.Id }
            $new | Should -HaveCount 1
            Revoke-CrossClusterApiKey -Id $new.Id -RemoteConnection $Remote -Force | Out-Null
            Invoke-SandboxControl -Method POST -Path '/faults/release' | Out-Null
            $said = $job | Wait-Job -Timeout 120 | Receive-Job
        }
        finally {
            Clear-SandboxFault
            $job | Remove-Job -Force -ErrorAction SilentlyContinue
        }

        $said | Should -Contain 'CAUGHT CredentialRotationNotVerified,EckRemoteCluster.Commands.UpdateRemoteClusterCredentialCommand'
        Get-NodeKeyId | Should -Be @($old.Id, $old.Id)
        (Get-CrossClusterApiKey -RemoteConnection $Remote -Id $old.Id).Invalidated | Should -BeFalse
        (Search-Remote).hits.total.value | Should -Be 3
    }
}

Describe 'Sync-RemoteClusterTrust' {
    It 'follows ECK''s CA renewal: the new CA added, the old one dropped once verified, and no search fails meanwhile' {
        Initialize-ConnectedRemote
        $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes | Out-Null
        $before = Get-CaThumbprint ($Eck | Get-EckTransportCa).Pem
        Start-SearchLoop
        try {
            Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart' | Out-Null
            Wait-SandboxSettled
            $current = Get-CaThumbprint ($Eck | Get-EckTransportCa).Pem
            $current | Should -Not -Be $before

            $results = @($Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes)
        }
        finally { $loop = Stop-SearchLoop }

        $results.Action | Should -Be @('CaAddedOldCaRemoved', 'CaAddedOldCaRemoved')
        $results.Verified | Should -Be @($true, $true)
        $results[0].Kept | Should -BeNullOrEmpty
        foreach ($thumbprints in Get-NodeCaThumbprint) { $thumbprints | Should -Be $current }
        $loop.Failures | Should -BeNullOrEmpty
        $loop.Runs | Should -BeGreaterThan 3
        Write-Host "searches during the CA renewal and sync: $($loop.Runs), failed: $($loop.Failures.Count)"
        (Search-Remote).hits.total.value | Should -Be 3
    }

    It 'follows a rotation to a new CA key without a failed search, and a second run is Unchanged' {
        Initialize-ConnectedRemote
        $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes | Out-Null
        $old = Get-NodeCaThumbprint | Select-Object -First 1
        Start-SearchLoop
        try {
            Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart&newKey=true' | Out-Null
            Wait-SandboxSettled
            $current = Get-CaThumbprint ($Eck | Get-EckTransportCa).Pem
            $results = @($Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes)
        }
        finally { $loop = Stop-SearchLoop }

        $results.Action | Should -Be @('CaAddedOldCaRemoved', 'CaAddedOldCaRemoved')
        foreach ($thumbprints in Get-NodeCaThumbprint) { $thumbprints | Should -Be $current }
        $current | Should -Not -Be $old
        $loop.Failures | Should -BeNullOrEmpty
        Write-Host "searches during the new-key CA rotation and sync: $($loop.Runs), failed: $($loop.Failures.Count)"
        # A fresh connection (a restarted node) must trust the new chain: the file is all it has.
        Restart-LocalNode $Nodes[0]
        Wait-Condition { Test-RemoteCluster -Connection $Local -Alias eck -Quiet } -Because 'eck to connect through the new CA' | Out-Null

        Clear-RequestLog
        $before = Get-NodeFileSnapshot $Nodes
        $again = @($Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes)
        $again.Action | Should -Be @('Unchanged', 'Unchanged')
        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'changes nothing under -WhatIf after a rotation' {
        Initialize-ConnectedRemote
        $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes | Out-Null
        Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart' | Out-Null
        Wait-SandboxSettled
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog

        $result = $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes -WhatIf

        $result | Should -BeNullOrEmpty
        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'refuses a node without the CA file and an unknown alias, and changes nothing' {
        Initialize-ConnectedRemote
        $bare = Join-Path $TestDrive 'bare-node'
        New-Item -ItemType Directory $bare | Out-Null
        Copy-Item (Join-Path $Nodes[0] 'elasticsearch.yml'), (Join-Path $Nodes[0] 'elasticsearch.keystore') $bare
        Set-Content (Join-Path $bare 'elasticsearch.yml') ((Get-Content (Join-Path $bare 'elasticsearch.yml')) -notmatch 'remote_cluster_client')
        $before = Get-NodeFileSnapshot ($Nodes + $bare)
        Clear-RequestLog

        { $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath ($Nodes + $bare) -ErrorAction Stop } |
            Should -Throw -ErrorId 'TrustSyncNotConfigured,EckRemoteCluster.Commands.SyncRemoteClusterTrustCommand'
        { $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias nosuch -ConfigPath $Nodes -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterNotFound,EckRemoteCluster.Commands.SyncRemoteClusterTrustCommand'

        Get-MutatingRequest | Should -BeNullOrEmpty
        Get-NodeFileSnapshot ($Nodes + $bare) | Should -Be $before
    }

    It 'writes nothing when ECK''s CA cannot be read' {
        Initialize-ConnectedRemote
        Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart' | Out-Null
        Wait-SandboxSettled
        $before = Get-NodeFileSnapshot $Nodes
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'secrets/quickstart-es-transport-certs-public'; status = 500; count = 20 }
        try {
            { $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -ConfigPath $Nodes -ErrorAction Stop } | Should -Throw
        }
        finally { Clear-SandboxFault }

        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }
}

Describe 'Through SSH sessions to the nodes' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
        $script:NodeSessions = Open-SandboxNodeSessions $Sandbox
        $script:Sessions = $NodeSessions.Sessions
    }

    AfterAll { Close-SandboxNodeSessions $NodeSessions }

    It 'rotates the key and follows a CA rotation on nodes reached through their sessions' {
        $old = Set-TestKey 10d
        $rotation = Update-RemoteClusterCredential -Connection $Local -Alias eck -RemoteConnection $Remote -Session $Sessions -ExpiringWithin 30d -Expiration 90d

        $rotation.Action | Should -Be 'Rotated'
        $rotation.PreviousKeyId | Should -Be $old.Id
        Get-NodeKeyId | Should -Be @($rotation.ApiKeyId, $rotation.ApiKeyId)

        $Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -Session $Sessions | Out-Null
        Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart&newKey=true' | Out-Null
        Wait-SandboxSettled
        $current = Get-CaThumbprint ($Eck | Get-EckTransportCa).Pem
        $sync = @($Eck | Sync-RemoteClusterTrust -Connection $Local -Alias eck -Session $Sessions)

        $sync.Action | Should -Be @('CaAddedOldCaRemoved', 'CaAddedOldCaRemoved')
        $sync[0].Session | Should -Be $Sessions[0]
        foreach ($thumbprints in Get-NodeCaThumbprint) { $thumbprints | Should -Be $current }
        (Search-Remote).hits.total.value | Should -Be 3
    }
}

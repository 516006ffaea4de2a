# Cross-cluster API keys on the ECK cluster: create, list, update, revoke; validation; -WhatIf; secrets.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $script:Remote = Get-EckCluster -KubeConfig $Sandbox.kubeconfig -Namespace elastic -Name quickstart | New-ElasticsearchConnection
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'New-CrossClusterApiKey' {
    It 'sends nothing under -WhatIf' {
        Clear-RequestLog
        $Remote | New-CrossClusterApiKey -Name whatif -SearchIndex 'logs-*' -WhatIf
        Get-RequestLog -Mutating -PathLike '/_security*' | Should -BeNullOrEmpty
    }

    It 'creates a tagged key whose encoded value is a SecureString that no stream shows' {
        $output = $Remote | New-CrossClusterApiKey -Name to-dc1 -Alias prod-eck -SearchIndex 'logs-*' -ReplicationIndex 'metrics-*' -Verbose *>&1
        $key = $output | Where-Object { $_ -is [EckRemoteCluster.CrossClusterApiKey] }
        $key.Id | Should -Not -BeNullOrEmpty
        $key.Alias | Should -Be 'prod-eck'
        $key.Search | Should -Be @('logs-*')
        $key.Replication | Should -Be @('metrics-*')
        $key.Metadata['managed-by'] | Should -Be 'EckRemoteCluster'
        $key.EncodedKey | Should -BeOfType ([securestring])
        $key.EncodedKeyPlainText | Should -BeNullOrEmpty
        $plain = [System.Net.NetworkCredential]::new('', $key.EncodedKey).Password
        ($output | Out-String) + ($key | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($plain))
    }

    It 'returns the plain text only with -AsPlainText' {
        $key = $Remote | New-CrossClusterApiKey -Name plain -SearchIndex 'a' -AsPlainText
        $key.EncodedKeyPlainText | Should -Be ([System.Net.NetworkCredential]::new('', $key.EncodedKey).Password)
    }

    It 'takes an ECK cluster from the pipeline' {
        (Get-EckCluster -KubeConfig $Sandbox.kubeconfig -Namespace elastic -Name quickstart | New-CrossClusterApiKey -Name piped -SearchIndex 'x').Cluster | Should -Be 'quickstart'
    }

    It 'passes -Expiration <Given> to Elasticsearch as <Sent> and shows when the key expires' -ForEach @(
        @{ Given = '1d'; Sent = '1d'; Days = 1 }
        @{ Given = (New-TimeSpan -Days 90); Sent = '90d'; Days = 90 }
        @{ Given = (New-TimeSpan -Hours 36); Sent = '36h'; Days = 1.5 }
    ) {
        $before = [datetime]::UtcNow
        $key = $Remote | New-CrossClusterApiKey -Name "expiring-$Sent" -SearchIndex 'logs-*' -Expiration $Given
        $key.Expiration | Should -BeGreaterThan $before.AddDays($Days).AddMinutes(-1)
        $key.Expiration | Should -BeLessThan ([datetime]::UtcNow.AddDays($Days).AddMinutes(1))
        ($Remote | Get-CrossClusterApiKey -Id $key.Id).Expiration | Should -Be $key.Expiration
    }

    It 'validates locally with Elasticsearch''s rules before sending: <Case>' -ForEach @(
        @{ Case = 'name starting with _'; Arguments = @{ Name = '_bad'; Search = 'x' }; ErrorId = 'InvalidApiKeyName' }
        @{ Case = 'no access'; Arguments = @{ Name = 'empty' }; ErrorId = 'InvalidApiKeyAccess' }
        @{ Case = 'reserved metadata key'; Arguments = @{ Name = 'meta'; Search = 'x'; Metadata = @{ _x = 1 } }; ErrorId = 'InvalidApiKeyMetadata' }
        @{ Case = 'expiration without a unit'; Arguments = @{ Name = 'exp'; Search = 'x'; Expiration = '90' }; ErrorId = 'InvalidApiKeyExpiration' }
        @{ Case = 'negative TimeSpan expiration'; Arguments = @{ Name = 'exp'; Search = 'x'; Expiration = (New-TimeSpan -Days -1) }; ErrorId = 'InvalidApiKeyExpiration' }
    ) {
        Clear-RequestLog
        { $Remote | New-CrossClusterApiKey @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,EckRemoteCluster.Commands.NewCrossClusterApiKeyCommand"
        Get-RequestLog -Mutating -PathLike '/_security*' | Should -BeNullOrEmpty
    }
}

Describe 'Get-, Update- and Revoke-CrossClusterApiKey' {
    BeforeAll { $script:Key = $Remote | New-CrossClusterApiKey -Name to-dc2 -Alias prod-eck -SearchIndex 'logs-*' }

    It 'lists the key by name, without an encoded value' {
        $listed = $Remote | Get-CrossClusterApiKey -Name to-dc2
        $listed.Id | Should -Be $Key.Id
        $listed.EncodedKey | Should -BeNullOrEmpty
        $listed.Alias | Should -Be 'prod-eck'
    }

    It 'updates the access of a piped key, keeping the module''s tags' {
        $updated = $Remote | Get-CrossClusterApiKey -Name to-dc2 | Update-CrossClusterApiKey -SearchIndex 'logs-web-*' -Metadata @{ team = 'search' }
        $updated.Search | Should -Be @('logs-web-*')
        $updated.Metadata['team'] | Should -Be 'search'
        $updated.Metadata['managed-by'] | Should -Be 'EckRemoteCluster'
    }

    It 'fails with CrossClusterApiKeyNotFound for an unknown id' {
        { Update-CrossClusterApiKey -Id 'nosuchkeyid000000000' -RemoteConnection $Remote -SearchIndex 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CrossClusterApiKeyNotFound,EckRemoteCluster.Commands.UpdateCrossClusterApiKeyCommand'
    }

    It 'revokes only after confirmation (-WhatIf sends nothing), then with -Force' {
        Clear-RequestLog
        $Key | Revoke-CrossClusterApiKey -WhatIf
        Get-RequestLog -Mutating -PathLike '/_security*' | Should -BeNullOrEmpty
        $Key | Revoke-CrossClusterApiKey -Force
        ($Remote | Get-CrossClusterApiKey -Id $Key.Id -IncludeInvalidated).Invalidated | Should -BeTrue
        $Remote | Get-CrossClusterApiKey -Name to-dc2 | Should -BeNullOrEmpty
    }

    It 'revoking the same key again by id says it was already invalidated (Elasticsearch answers with empty lists)' {
        Revoke-CrossClusterApiKey -RemoteConnection $Remote -Id $Key.Id -Force | Out-Null
        $verbose = Revoke-CrossClusterApiKey -RemoteConnection $Remote -Id $Key.Id -Force -Verbose -ErrorAction Stop 4>&1
        ($verbose | Out-String) | Should -Match 'was already invalidated'
    }

    It 'revoking an id the cluster does not know fails with CrossClusterApiKeyNotFound' {
        { Revoke-CrossClusterApiKey -RemoteConnection $Remote -Id 'nosuchkeyid000000000' -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'CrossClusterApiKeyNotFound,EckRemoteCluster.Commands.RevokeCrossClusterApiKeyCommand'
    }
}

# The declarative estate on one sandbox: the plan of a new link, apply, a second apply that changes nothing, -WhatIf
# that sends and writes nothing, the export round trip, bad files, and a fault in the middle of an apply. Every It can
# run alone: what it needs in place comes from Initialize-Estate (an idempotent apply), never from an earlier It.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $env:ESTATE_TEST_PASSWORD = $Sandbox.localCluster.elasticPassword
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $script:Folder = Join-Path $Sandbox.StateDirectory 'estate'
    New-Item -ItemType Directory $Folder -Force | Out-Null
    $script:RestartCommand = Get-SandboxNodeRestartCommand $Sandbox

    <# An estate file: the sandbox's local cluster, its ECK cluster, and one API-key link per alias. #>
    function New-EstateFile([string] $Name, [string[]] $Alias = @('eck'), [string] $Replace, [string] $NodesYaml, [string] $Password = '{ env: ESTATE_TEST_PASSWORD }', [switch] $Prune) {
        $links = foreach ($a in $Alias) {
            @"
  - alias: $a
    local: dc1
    eck: prod
    search: ['logs-*']
    keyExpiration: 90d
    roles:
      - name: $a-reader
        indices: ['logs-*']
"@
        }
        $nodes = if ($NodesYaml) { $NodesYaml } else { ($Nodes | ForEach-Object { "      - configPath: '$_'" }) -join "`n" }
        $yaml = @"
version: 1
localClusters:
  - name: dc1
    uris: [$(($Sandbox.localCluster.nodes.httpUri | ForEach-Object { "'$_'" }) -join ', ')]
    certificateAuthority: '$($Sandbox.localCluster.httpCaPath)'
    username: $($Sandbox.localCluster.username)
    password: $Password
    nodes:
$nodes
    restartCommand: "$($RestartCommand.Replace('"', '\"'))"
    prune: $(if ($Prune) { 'true' } else { 'false' })
eckClusters:
  - name: prod
    namespace: elastic
    cluster: quickstart
links:
$($links -join "`n")
"@
        if ($Replace) { $from, $to = $Replace -split '=>', 2; $yaml = $yaml.Replace($from, $to) }
        $path = Join-Path $Folder "$Name.yaml"
        Set-Content -Path $path -Value $yaml -Encoding utf8NoBOM
        $path
    }

    <# The key id each node's keystore holds for an alias (the id only; the secret stays in this function). #>
    function Get-NodeKeyId([string] $Alias = 'eck') {
        foreach ($dir in $Nodes) {
            $entry = Get-ElasticsearchKeystore -ConfigPath $dir -Name "cluster.remote.$Alias.credentials"
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((ConvertFrom-SecureString $entry.Value -AsPlainText))).Split(':')[0]
        }
    }

    function ConvertTo-UtcTime($Time) {
        if ($Time -is [datetime]) { return $Time.ToUniversalTime() }
        [DateTimeOffset]::Parse([string] $Time, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime
    }

    <# The estate of alias 'eck' in place (applied, connected), whatever ran before. #>
    function Initialize-Estate {
        $results = Sync-RemoteClusterEstate -Path (New-EstateFile converged) -Force
        $results | Where-Object State -ne 'Converged' | Should -BeNullOrEmpty -Because 'the estate converges'
    }
}

AfterAll {
    Remove-Item Env:KUBECONFIG, Env:ESTATE_TEST_PASSWORD -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'Sync-RemoteClusterEstate' {
    It 'plans every step of a new link, with Create for the key, credential, registration and role' {
        $alias = "new$(Get-Random -Maximum 99999)"
        $serverEnabled = (Get-EckCluster -Namespace elastic -Name quickstart).RemoteClusterServerEnabled

        $rows = Sync-RemoteClusterEstate -Path (New-EstateFile plan-new -Alias $alias) -WhatIf

        $rows | ForEach-Object { $_ | Should -BeOfType ([EckRemoteCluster.RemoteClusterEstateStep]) }
        $rows.Step | Should -Be @('RemoteClusterServer', 'Publish', 'Trust', 'ApiKey', 'Credential', 'Registration', 'Role')
        ($rows | Where-Object Step -eq 'RemoteClusterServer').Action | Should -Be $(if ($serverEnabled) { 'Unchanged' } else { 'Create' })
        ($rows | Where-Object Step -in 'ApiKey', 'Credential', 'Registration', 'Role').Action | Should -Be @('Create', 'Create', 'Create', 'Create')
        ($rows | Select-Object -First 1 | Out-String) | Should -Match "dc1/$alias -> prod"
    }

    It 'applies the estate: the remote connects and searches, and a second run changes nothing' {
        $path = New-EstateFile apply
        $first = Sync-RemoteClusterEstate -Path $path -Force
        $first | Should -BeOfType ([EckRemoteCluster.RemoteClusterEstateResult])
        $first.State | Should -Be 'Converged'
        $first.Connected | Should -BeTrue
        (Test-RemoteCluster -Connection (Connect-LocalCluster) -Alias eck).Connected | Should -BeTrue
        (Get-ElasticsearchKeystore -ConfigPath $Nodes[0]).Name | Should -Contain 'cluster.remote.eck.credentials'

        $again = Sync-RemoteClusterEstate -Path $path -Force
        $again.State | Should -Be 'Converged'
        $again.Changes | Should -Be ''
        $again.Steps.Action | Sort-Object -Unique | Should -Be 'Unchanged'
        Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }

    It 'rotates a key whose lifetime differs from keyExpiration: new key on every node, the old one revoked once connected' {
        Initialize-Estate
        $remote = Get-EckCluster -Namespace elastic -Name quickstart | New-ElasticsearchConnection
        $oldId = (Get-CrossClusterApiKey -RemoteConnection $remote | Where-Object { $_.Alias -eq 'eck' -and -not $_.Invalidated }).Id
        $path = New-EstateFile rotate -Replace 'keyExpiration: 90d=>keyExpiration: 30d'

        $plan = Sync-RemoteClusterEstate -Path $path -WhatIf
        ($plan | Where-Object Step -in 'ApiKey', 'Credential').Action | Should -Be @('Rotate', 'Rotate')
        ($plan | Where-Object Step -eq 'ApiKey').Detail | Should -Match '90d.*30d'

        $result = Sync-RemoteClusterEstate -Path $path -Force
        $result.State | Should -Be 'Converged'
        $result.Connected | Should -BeTrue
        $result.ApiKeyId | Should -Not -BeIn $oldId
        $keys = Get-CrossClusterApiKey -RemoteConnection $remote -IncludeInvalidated
        ($keys | Where-Object Id -in $oldId).Invalidated | Sort-Object -Unique | Should -Be $true
        $new = $keys | Where-Object Id -eq $result.ApiKeyId
        ($new.Expiration - $new.Creation).TotalDays | Should -BeGreaterThan 29.9
        ($new.Expiration - $new.Creation).TotalDays | Should -BeLessThan 30.1
        Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }

    It 'connects a certificate-model link: transport published, trust both ways, registered on the transport port' {
        $path = New-EstateFile certificate -Alias 'cert' -Replace "    search: ['logs-*']`n    keyExpiration: 90d`n    roles:`n      - name: cert-reader`n        indices: ['logs-*']=>    securityModel: Certificate"

        $plan = Sync-RemoteClusterEstate -Path $path -WhatIf
        $plan.Step | Should -Be @('Publish', 'EckTrust', 'Trust', 'Registration')
        $result = Sync-RemoteClusterEstate -Path $path -Force

        $result.State | Should -Be 'Converged'
        $result.Connected | Should -BeTrue
        $remote = Get-RemoteCluster -Connection (Connect-LocalCluster) | Where-Object Alias -eq 'cert'
        $remote.SecurityModel | Should -Be 'Certificate'
        $remote.ServerName | Should -Be 'quickstart-es-transport.elastic.svc'
        Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }

    It 'sends no mutating request and writes no node file under -WhatIf' {
        Initialize-Estate
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        $alias = "whatif$(Get-Random -Maximum 99999)"

        $rows = Sync-RemoteClusterEstate -Path (New-EstateFile whatif -Alias 'eck', $alias) -WhatIf

        ($rows | Where-Object Alias -eq $alias | Where-Object Action -eq 'Create').Count | Should -BeGreaterThan 0
        # Port-forward sessions are POSTs in the Kubernetes API but change nothing; everything else must be absent.
        @(Get-RequestLog -Mutating | Where-Object { $_.path -notlike '*/portforward*' }) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
        (Get-RemoteCluster -Connection (Connect-LocalCluster)).Alias | Should -Not -Contain $alias
    }

    It 'exports the estate to a file that Sync-RemoteClusterEstate -WhatIf finds unchanged' {
        Initialize-Estate
        $path = Join-Path $Folder 'exported.yaml'

        $file = Export-RemoteClusterEstate -Path $path -Connection (Connect-LocalCluster) -ConfigPath $Nodes -Name dc1 `
            -CertificateAuthority $Sandbox.localCluster.httpCaPath -PasswordVariable ESTATE_TEST_PASSWORD -RestartCommand $RestartCommand -Force

        $file.FullName | Should -Be $path
        $text = Get-Content $path -Raw
        $text | Should -Match 'alias: eck'
        $text | Should -Match 'cluster: quickstart'
        $text | Should -Match 'keyExpiration: 90d'
        $text | Should -Not -Match ([regex]::Escape($Sandbox.localCluster.elasticPassword))
        $rows = Sync-RemoteClusterEstate -Path $path -WhatIf
        $rows.Alias | Should -Contain 'eck'
        $rows | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }

    It 'exports skip_unavailable, a password file reference, and leaves out a role the file cannot describe: Sync -WhatIf is all Unchanged' {
        Initialize-Estate
        $local = Connect-LocalCluster
        $null = $local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ 'cluster.remote.eck.skip_unavailable' = $false } }
        # A role reaching eck that also grants a local cluster privilege: an estate role has no place for it.
        $null = $local | Invoke-ElasticsearchRequest PUT '/_security/role/eck-wide' @{ cluster = @('monitor'); remote_indices = @(@{ clusters = @('eck'); names = @('logs-*'); privileges = @('read') }) }
        $passwordFile = Join-Path $Folder 'exported-password'
        Set-Content -Path $passwordFile -Value $Sandbox.localCluster.elasticPassword -NoNewline
        $path = Join-Path $Folder 'exported-shapes.yaml'
        try {
            Export-RemoteClusterEstate -Path $path -Connection $local -ConfigPath $Nodes -Name dc1 -CertificateAuthority $Sandbox.localCluster.httpCaPath `
                -PasswordFile $passwordFile -RestartCommand $RestartCommand -Force -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null

            $text = Get-Content $path -Raw
            $text | Should -Match 'skipUnavailable: false'
            $text | Should -Match "file: '?$([regex]::Escape($passwordFile))"
            $text | Should -Match 'name: eck-reader'
            $text | Should -Not -Match 'eck-wide'
            ($warnings | Where-Object { "$_" -like "*Role 'eck-wide'*left out*" }) | Should -Not -BeNullOrEmpty
            $rows = Sync-RemoteClusterEstate -Path $path -WhatIf
            ($rows | Where-Object Alias -eq 'eck').Step | Should -Contain 'Role'
            $rows | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
        }
        finally {
            $null = $local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ 'cluster.remote.eck.skip_unavailable' = $null } }
            $null = $local | Invoke-ElasticsearchRequest DELETE '/_security/role/eck-wide'
        }
    }

    It 'refuses invalid YAML with its line and column, before any request' {
        $path = Join-Path $Folder 'broken.yaml'
        Set-Content $path "localClusters:`n  - name: dc1`n    uris: [https://es1:9200`n"
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog

        { Sync-RemoteClusterEstate -Path $path -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'EstateFileInvalid,EckRemoteCluster.Commands.SyncRemoteClusterEstateCommand' -ExpectedMessage '*broken.yaml, line *, column *: not valid YAML*Nothing was changed*'
        @(Get-RequestLog) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'refuses an unknown key with its line and column, and changes nothing' {
        $path = New-EstateFile unknown-key -Alias 'eck', 'typo' -Replace "    search: ['logs-*']`n    keyExpiration: 90d`n    roles:`n      - name: typo-reader=>    serch: ['logs-*']`n    keyExpiration: 90d`n    roles:`n      - name: typo-reader"
        $line = (Select-String -Path $path -Pattern 'serch').LineNumber
        Clear-RequestLog

        { Sync-RemoteClusterEstate -Path $path -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'EstateFileInvalid,EckRemoteCluster.Commands.SyncRemoteClusterEstateCommand' -ExpectedMessage "*line $line, column 5: unknown key 'serch' in a link*"
        @(Get-RequestLog) | Should -BeNullOrEmpty
    }

    It 'leaves a re-runnable state when a request fails mid-apply, and the next run converges' {
        Initialize-Estate
        $alias = "fault$(Get-Random -Maximum 99999)"
        $path = New-EstateFile fault -Alias 'eck', $alias
        # The key of the new link cannot be created (the ECK cluster answers 503; a POST is not retried).
        Add-SandboxFault @{ target = 'elastic/quickstart'; method = 'POST'; pathPattern = '_security/cross_cluster/api_key'; status = 503; count = 1 }
        try {
            $failed = Sync-RemoteClusterEstate -Path $path -Force -ErrorAction SilentlyContinue -ErrorVariable errors -WarningAction SilentlyContinue
        }
        finally { Clear-SandboxFault }

        ($failed | Where-Object Alias -eq $alias).State | Should -Be 'Failed'
        ($failed | Where-Object Alias -eq 'eck').State | Should -Be 'Converged' -Because 'one failing link does not stop the others'
        $errors.FullyQualifiedErrorId | Should -Contain 'EstateLinkFailed,EckRemoteCluster.Commands.SyncRemoteClusterEstateCommand'

        $next = Sync-RemoteClusterEstate -Path $path -Force
        ($next | Where-Object Alias -eq $alias).State | Should -Be 'Converged'
        ($next | Where-Object Alias -eq $alias).Connected | Should -BeTrue
        Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }

    It 'rotates through Update-RemoteClusterCredential''s service: a new key that fails its check is undone, the old key back on every node and still valid' {
        Initialize-Estate
        $remote = Get-EckCluster -Namespace elastic -Name quickstart | New-ElasticsearchConnection
        $old = @(Get-NodeKeyId | Select-Object -Unique)
        $old | Should -HaveCount 1
        $path = New-EstateFile rotate-undone -Replace 'keyExpiration: 90d=>keyExpiration: 30d'
        # The nodes' reload of the new key is held; meanwhile the new key is revoked, so the check with it must fail.
        Add-SandboxFault @{ target = 'local'; method = 'POST'; pathPattern = 'reload_secure_settings'; action = 'hold'; count = 1 }
        try {
            $job = Start-ThreadJob -ArgumentList (Get-BuiltModuleManifest), $path -ScriptBlock {
                param($Manifest, $Path)
                Import-Module $Manifest
                Sync-RemoteClusterEstate -Path $Path -Force -ConnectTimeout 00:00:20 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            }
            Wait-Condition { (Invoke-SandboxControl -Path '/faults').held -ge 1 } -Because 'the reload of the new key to be held' | Out-Null
            Get-NodeKeyId | Select-Object -Unique | Should -Not -Be $old[0] -Because 'every keystore holds the new key before the reload'
            $new = @(Get-CrossClusterApiKey -RemoteConnection $remote | Where-Object { $_.Alias -eq 'eck' -and $_.Id -ne $old[0] })
            $new | Should -HaveCount 1
            (Get-CrossClusterApiKey -RemoteConnection $remote -Id $old[0]).Invalidated | Should -BeFalse -Because 'the old key stays valid until the new one is verified'
            Revoke-CrossClusterApiKey -Id $new.Id -RemoteConnection $remote -Force | Out-Null
            Invoke-SandboxControl -Method POST -Path '/faults/release' | Out-Null
            $result = $job | Wait-Job -Timeout 180 | Receive-Job
        }
        finally {
            Clear-SandboxFault
            $job | Remove-Job -Force -ErrorAction SilentlyContinue
        }

        $result.State | Should -Be 'Failed'
        $result.Failure | Should -Match '^CredentialRotationNotVerified:'
        Get-NodeKeyId | Should -Be @($old[0], $old[0])
        (Get-CrossClusterApiKey -RemoteConnection $remote -Id $old[0]).Invalidated | Should -BeFalse
        Wait-Condition { Test-RemoteCluster -Connection (Connect-LocalCluster) -Alias eck -Quiet } -Because 'eck works with the old key' | Out-Null
    }

    It 'prunes a registration the file no longer declares: its settings and every keystore''s credential go, the password read through SecretManagement''s Get-Secret' {
        Initialize-Estate
        $alias = "prune$(Get-Random -Maximum 99999)"
        Sync-RemoteClusterEstate -Path (New-EstateFile prune-before -Alias 'eck', $alias) -Force | Where-Object State -ne 'Converged' | Should -BeNullOrEmpty
        # Microsoft.PowerShell.SecretManagement is not installed on the test machine; this stand-in answers Get-Secret as
        # it does (-Name, -Vault, a SecureString) from a vault of one secret, so the file's { secret: } reference is read.
        New-Module -Name EstateTestVault -ScriptBlock {
            function Get-Secret {
                [CmdletBinding()] param([Parameter(Mandatory)] [string] $Name, [string] $Vault)
                if ($Name -ne 'es-dc1' -or $Vault -ne 'TestVault') { throw "Get-Secret: no secret '$Name' in vault '$Vault'." }
                ConvertTo-SecureString $env:ESTATE_TEST_PASSWORD -AsPlainText -Force
            }
            Export-ModuleMember -Function Get-Secret
        } | Import-Module -Global
        try {
            $path = New-EstateFile prune -Alias 'eck' -Prune -Password '{ secret: es-dc1, vault: TestVault }'

            $plan = Sync-RemoteClusterEstate -Path $path -WhatIf
            $removal = @($plan | Where-Object Alias -eq $alias)
            $removal.Step | Should -Be @('Registration', 'Credential')
            $removal.Action | Should -Be @('Remove', 'Remove')
            ($plan | Where-Object Alias -eq 'eck').Action | Sort-Object -Unique | Should -Be 'Unchanged'
            $result = Sync-RemoteClusterEstate -Path $path -Force

            ($result | Where-Object Alias -eq $alias).State | Should -Be 'Removed'
            ($result | Where-Object Alias -eq 'eck').State | Should -Be 'Converged'
            (Get-RemoteCluster -Connection (Connect-LocalCluster)).Alias | Should -Not -Contain $alias
            Get-ElasticsearchKeystore -ConfigPath $Nodes | Where-Object Name -eq "cluster.remote.$alias.credentials" | Should -BeNullOrEmpty
            (Test-RemoteCluster -Connection (Connect-LocalCluster) -Alias eck).Connected | Should -BeTrue
            Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
        }
        finally { Remove-Module EstateTestVault -ErrorAction SilentlyContinue }
    }

    It 'refuses a secret reference without SecretManagement, naming the module, before any request' -Skip:([bool] (Get-Module -ListAvailable Microsoft.PowerShell.SecretManagement)) {
        $path = New-EstateFile no-vault -Password '{ secret: es-dc1 }'
        Clear-RequestLog

        { Sync-RemoteClusterEstate -Path $path -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'EstateSecretUnavailable,EckRemoteCluster.Commands.SyncRemoteClusterEstateCommand' -ExpectedMessage '*secret es-dc1*needs Microsoft.PowerShell.SecretManagement*Nothing was changed*'
        @(Get-RequestLog) | Should -BeNullOrEmpty
    }

    It 'runs the local side while ECK rolls: the key and every node''s reload happen before ECK''s rolling restart ends' {
        Initialize-Estate
        $alias = "overlap$(Get-Random -Maximum 99999)"
        $eck = Get-EckCluster -Namespace elastic -Name quickstart | Disable-EckRemoteClusterServer -Wait -Force
        $path = New-EstateFile overlap -Alias 'eck', $alias
        (Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object { $_.Alias -eq $alias -and $_.Step -eq 'RemoteClusterServer' }).Action | Should -Be 'Create'
        # Each of ECK's three pods now takes 4 s to restart: the rollout the sync starts lasts about 12 s.
        Invoke-SandboxControl -Method PUT -Path '/rollout' -Body @{ secondsPerPod = 4 } | Out-Null
        try {
            $started = [DateTime]::UtcNow
            $result = Sync-RemoteClusterEstate -Path $path -Force
        }
        finally { Invoke-SandboxControl -Method PUT -Path '/rollout' -Body @{ secondsPerPod = $null } | Out-Null }

        $result.State | Should -Be @('Converged', 'Converged')
        ($result | Where-Object Alias -eq $alias).Connected | Should -BeTrue
        $changes = @(Invoke-SandboxControl -Path '/kubernetes/status-changes?kind=Elasticsearch&namespace=elastic&name=quickstart') | ForEach-Object { $_ } |
            Where-Object { (ConvertTo-UtcTime $_.time) -gt $started }
        $rolling = $changes | Where-Object { $_.status.phase -ne 'Ready' } | Select-Object -First 1
        $rolling | Should -Not -BeNullOrEmpty -Because 'enabling the server rolls ECK''s pods'
        $finished = $changes | Where-Object { $_.status.phase -eq 'Ready' -and [long] $_.status.observedGeneration -ge [long] $rolling.status.observedGeneration } | Select-Object -First 1
        $finished | Should -Not -BeNullOrEmpty
        $rolloutEnd = ConvertTo-UtcTime $finished.time
        $requests = Get-RequestLog | Where-Object { (ConvertTo-UtcTime $_.time) -gt $started }
        $keyCreated = $requests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*_security/cross_cluster/api_key*' } | Select-Object -First 1
        $reloaded = $requests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*reload_secure_settings*' } | Select-Object -First 1
        $keyCreated | Should -Not -BeNullOrEmpty
        $reloaded | Should -Not -BeNullOrEmpty
        Write-Host "ECK rollout $($changes[0].time) .. $($finished.time); key created $($keyCreated.time); local reload $($reloaded.time)"
        (ConvertTo-UtcTime $keyCreated.time) | Should -BeLessThan $rolloutEnd
        (ConvertTo-UtcTime $reloaded.time) | Should -BeLessThan $rolloutEnd -Because 'the nodes got the credential while ECK was still restarting its pods'
    }
}

Describe 'Sync-RemoteClusterEstate over SSH' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
        # Sync-RemoteClusterEstate opens its own sessions to these hosts.
        $script:NodeSessions = Open-SandboxNodeSessions $Sandbox -NoSession
        $script:Hosts = $NodeSessions.Hosts
    }

    AfterAll { Close-SandboxNodeSessions $NodeSessions }

    It 'reaches every node through an SSH session it opens (keyFile, knownHostsFile), with the password read from a file' {
        Initialize-Estate
        $passwordFile = Join-Path $Folder 'dc1-password'
        Set-Content -Path $passwordFile -Value $Sandbox.localCluster.elasticPassword -NoNewline
        [IO.File]::SetUnixFileMode($passwordFile, [IO.UnixFileMode] 'UserRead, UserWrite')
        $nodesYaml = ($Hosts | ForEach-Object {
                "      - ssh: '$($_.UserName)@127.0.0.1:$($_.Port)'`n        keyFile: '$($_.KeyFilePath)'`n        knownHostsFile: '$($_.KnownHostsPath)'"
            }) -join "`n"
        $alias = "ssh$(Get-Random -Maximum 99999)"
        $path = New-EstateFile ssh -Alias 'eck', $alias -NodesYaml $nodesYaml -Password '{ file: ./dc1-password }'

        $plan = Sync-RemoteClusterEstate -Path $path -WhatIf
        ($plan | Where-Object Alias -eq 'eck').Action | Sort-Object -Unique | Should -Be 'Unchanged' -Because 'the same node files, read through the sessions'
        ($plan | Where-Object { $_.Alias -eq $alias -and $_.Step -eq 'Credential' }).Action | Should -Be 'Create'
        $result = Sync-RemoteClusterEstate -Path $path -Force -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterEstateResult] }

        $result.State | Should -Be @('Converged', 'Converged')
        ($result | Where-Object Alias -eq $alias).Connected | Should -BeTrue
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*config directory*ES_PATH_CONF*' }) | Should -HaveCount 2
        Get-NodeKeyId -Alias $alias | Select-Object -Unique | Should -Be ($result | Where-Object Alias -eq $alias).ApiKeyId
        Get-PSSession | Should -BeNullOrEmpty -Because 'the sessions the sync opened are closed'
        Sync-RemoteClusterEstate -Path $path -WhatIf | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }
}

# Last in the file: rotating ECK's CA and the local transport CA changes what every earlier It relies on.
Describe 'Sync-RemoteClusterTrust on a certificate-model link, the nodes trusting through transport.p12' {
    BeforeAll {
        <# The certificate-model link 'cert' in place through the estate (the ECK CA goes into each node's transport.p12). #>
        function Initialize-CertificateLink {
            $path = New-EstateFile certificate-trust -Alias 'cert' -Replace "    search: ['logs-*']`n    keyExpiration: 90d`n    roles:`n      - name: cert-reader`n        indices: ['logs-*']=>    securityModel: Certificate"
            (Sync-RemoteClusterEstate -Path $path -Force).State | Should -Be 'Converged'
            Wait-Condition { Test-RemoteCluster -Connection (Connect-LocalCluster) -Alias cert -Quiet } -Because 'cert connects' | Out-Null
        }

        function Get-StorePassword([string] $Dir) {
            ConvertFrom-SecureString (Get-ElasticsearchKeystore -ConfigPath $Dir -Name 'xpack.security.transport.ssl.truststore.secure_password').Value -AsPlainText
        }

        <# The trusted entries (no key) of a node's transport.p12, by SHA-1 thumbprint. #>
        function Get-StoreThumbprint([string] $Dir) {
            $store = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            $store.Import([IO.File]::ReadAllBytes((Join-Path $Dir 'certs' 'transport.p12')), (Get-StorePassword $Dir), 'EphemeralKeySet')
            @($store | Where-Object { -not $_.HasPrivateKey } | ForEach-Object Thumbprint)
        }

        function New-TestCa([string] $Name) {
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$Name", [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
            $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(700))
        }

        <#
        The local CA rotation an operator makes on one node: a new transport certificate (same subject and extensions,
        a new key) issued by -Ca, with -Ca trusted beside every CA the store trusted; then the node is restarted so it
        presents the new certificate (Elasticsearch would re-read the store; the sandbox's node reads it at start).
        #>
        function Set-NodeTransportCertificate([string] $Dir, $Ca) {
            $password = Get-StorePassword $Dir
            $path = Join-Path $Dir 'certs' 'transport.p12'
            $old = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            $old.Import([IO.File]::ReadAllBytes($path), $password, 'Exportable')
            $leaf = $old | Where-Object HasPrivateKey | Select-Object -First 1
            $key = [Security.Cryptography.RSA]::Create(2048)
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($leaf.SubjectName, $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            foreach ($extension in $leaf.Extensions) { if ($extension.Oid.Value -notin '2.5.29.35', '2.5.29.14') { $request.CertificateExtensions.Add($extension) } }
            $serial = [byte[]] (1..8 | ForEach-Object { Get-Random -Maximum 256 })
            $issued = $request.Create($Ca, [DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(300), $serial)
            $store = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            $null = $store.Add([Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issued, $key))
            foreach ($trusted in @($old | Where-Object { -not $_.HasPrivateKey }) + @($Ca)) {
                if ($store.Thumbprint -notcontains $trusted.Thumbprint) { $null = $store.Add([Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($trusted.RawData)) }
            }
            [IO.File]::WriteAllBytes($path, $store.Export('Pkcs12', $password))
            Restart-LocalNode $Dir
        }
    }

    It 'reads Get-RemoteClusterHealth''s TrustDrift and CaExpiresInDays from the certificates inside transport.p12, opened with the keystore''s truststore password' {
        Initialize-CertificateLink
        $local = Connect-LocalCluster
        $eck = Get-EckCluster -Namespace elastic -Name quickstart
        $eckCa = ($eck | Get-EckTransportCa).Certificates[0]
        $healthy = $eck | Get-RemoteClusterHealth -Connection $local -Alias cert -ConfigPath $Nodes
        $healthy.SecurityModel | Should -Be 'Certificate'
        $healthy.TrustDrift | Should -BeNullOrEmpty
        $healthy.Findings.Code | Should -Not -Contain 'TrustDrift'
        $healthy.CaExpiresInDays | Should -Be ([int] [Math]::Floor(($eckCa.NotAfter.ToUniversalTime() - [DateTime]::UtcNow).TotalDays)) -Because 'ECK''s CA, trusted inside the store, anchors the chain cert serves'

        # The second node's store loses ECK's CA and gains a CA that expires in 10 days; the file is put back afterwards
        # byte for byte (the sandbox's node reads its store at start, so the link keeps working meanwhile).
        $path = Join-Path $Nodes[1] 'certs' 'transport.p12'
        $original = [IO.File]::ReadAllBytes($path)
        $setting = 'cluster.remote.cert.proxy_address'
        $proxy = (Get-RemoteCluster -Connection $local | Where-Object Alias -eq 'cert').ProxyAddress
        try {
            $password = Get-StorePassword $Nodes[1]
            $old = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            $old.Import($original, $password, 'Exportable')
            $store = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            foreach ($certificate in $old) { if ($certificate.Thumbprint -ne $eckCa.Thumbprint) { $null = $store.Add($certificate) } }
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=store-short-ca $(Get-Random)", [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $short = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(10))
            $null = $store.Add([Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($short.RawData))
            [IO.File]::WriteAllBytes($path, $store.Export('Pkcs12', $password))

            $drifted = $eck | Get-RemoteClusterHealth -Connection $local -Alias cert -ConfigPath $Nodes
            $drifted.TrustDrift | Should -Be @($Nodes[1])
            $finding = $drifted.Findings | Where-Object Code -eq 'TrustDrift'
            $finding.FixedBy | Should -Be 'Sync-RemoteClusterTrust'
            $finding.Evidence | Should -Match 'store-short-ca'
            # With the remote down and no ECK cluster, nothing tells the CAs apart: every CA in the stores counts.
            $null = $local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ $setting = '127.0.0.1:9' } }
            (Get-RemoteClusterHealth -Connection $local -Alias cert -ConfigPath $Nodes).CaExpiresInDays | Should -BeIn 9, 10
        }
        finally {
            [IO.File]::WriteAllBytes($path, $original)
            $null = $local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ $setting = $proxy } }
        }
        Wait-Condition { Test-RemoteCluster -Connection $local -Alias cert -Quiet } -Because 'cert connects again' | Out-Null
        ($eck | Get-RemoteClusterHealth -Connection $local -Alias cert -ConfigPath $Nodes).TrustDrift | Should -BeNullOrEmpty
    }

    It 'follows a rotation of ECK''s CA to a new key inside transport.p12: the new CA added, the superseded one removed, no restart' {
        Initialize-CertificateLink
        $local = Connect-LocalCluster
        $eck = Get-EckCluster -Namespace elastic -Name quickstart
        $oldEck = ($eck | Get-EckTransportCa).Certificates[0]
        $Nodes | ForEach-Object { Get-StoreThumbprint $_ | Should -Contain $oldEck.Thumbprint }

        Invoke-SandboxControl -Method POST -Path '/ca/rotate?namespace=elastic&name=quickstart&newKey=true' | Out-Null
        Wait-SandboxSettled
        $newEck = ($eck | Get-EckTransportCa).Certificates[0]
        $newEck.Thumbprint | Should -Not -Be $oldEck.Thumbprint
        $results = @($eck | Sync-RemoteClusterTrust -Connection $local -Alias cert -ConfigPath $Nodes | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterTrustSync] })

        $results.Action | Should -Be @('CaAddedOldCaRemoved', 'CaAddedOldCaRemoved')
        $results.Verified | Should -Be @($true, $true)
        $results[0].CaFile | Should -BeLike '*transport.p12'
        foreach ($dir in $Nodes) {
            $trusted = Get-StoreThumbprint $dir
            $trusted | Should -Contain $newEck.Thumbprint
            $trusted | Should -Not -Contain $oldEck.Thumbprint
            $trusted.Count | Should -BeGreaterThan 1 -Because 'the local transport CA stays'
        }
        (Test-RemoteCluster -Connection $local -Alias cert).Connected | Should -BeTrue
        @($eck | Sync-RemoteClusterTrust -Connection $local -Alias cert -ConfigPath $Nodes | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterTrustSync] }).Action |
            Sort-Object -Unique | Should -Be 'Unchanged'
    }

    It 'makes ECK trust a rotated local transport CA: added while a node still uses the old CA, the old one removed once none does' {
        Initialize-CertificateLink
        $local = Connect-LocalCluster
        $eck = Get-EckCluster -Namespace elastic -Name quickstart
        $oldLocal = (Get-ElasticsearchTransportCa -ConfigPath $Nodes[0]).Certificates[0]
        ($eck | Get-EckTransportCa).Certificates.Thumbprint | Should -Contain $oldLocal.Thumbprint
        $newLocal = New-TestCa "rotated local transport CA $(Get-Random)"

        Set-NodeTransportCertificate $Nodes[0] $newLocal
        $first = @($eck | Sync-RemoteClusterTrust -Connection $local -Alias cert -ConfigPath $Nodes)
        Wait-SandboxSettled
        ($first | Where-Object { $_ -is [EckRemoteCluster.EckTransportTrust] }).ConfigMapChange | Should -Be 'Updated'
        $trustedByEck = ($eck | Get-EckTransportCa).Certificates.Thumbprint
        $trustedByEck | Should -Contain $newLocal.Thumbprint
        $trustedByEck | Should -Contain $oldLocal.Thumbprint -Because "$($Nodes[1]) still presents a certificate of the old CA"
        Wait-Condition { Test-RemoteCluster -Connection $local -Alias cert -Quiet } -Because 'cert connects with both certificates' | Out-Null

        Set-NodeTransportCertificate $Nodes[1] $newLocal
        $second = @($eck | Sync-RemoteClusterTrust -Connection $local -Alias cert -ConfigPath $Nodes)
        Wait-SandboxSettled
        ($second | Where-Object { $_ -is [EckRemoteCluster.EckTransportTrust] }) | Should -Not -BeNullOrEmpty
        $trustedByEck = ($eck | Get-EckTransportCa).Certificates.Thumbprint
        $trustedByEck | Should -Contain $newLocal.Thumbprint
        $trustedByEck | Should -Not -Contain $oldLocal.Thumbprint -Because 'no node chains to the old local CA any more'
        Wait-Condition { Test-RemoteCluster -Connection $local -Alias cert -Quiet } -Because 'cert connects with the new local CA alone' | Out-Null
        @($eck | Sync-RemoteClusterTrust -Connection $local -Alias cert -ConfigPath $Nodes | Where-Object { $_ -is [EckRemoteCluster.EckTransportTrust] }) | Should -BeNullOrEmpty
    }
}

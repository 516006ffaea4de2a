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
    # How the sandbox restarts a self-managed node (systemd through a session on a real host).
    $script:RestartCommand = "Invoke-RestMethod -Method POST -Uri ('$($Sandbox.controlApi.TrimEnd('/'))/nodes/{0}/restart' -f `$_.NodeName) | Out-Null"

    <# An estate file: the sandbox's local cluster, its ECK cluster, and one API-key link per alias. #>
    function New-EstateFile([string] $Name, [string[]] $Alias = @('eck'), [string] $Replace) {
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
        $nodes = ($Nodes | ForEach-Object { "      - configPath: '$_'" }) -join "`n"
        $yaml = @"
version: 1
localClusters:
  - name: dc1
    uris: [$(($Sandbox.localCluster.nodes.httpUri | ForEach-Object { "'$_'" }) -join ', ')]
    certificateAuthority: '$($Sandbox.localCluster.httpCaPath)'
    username: $($Sandbox.localCluster.username)
    password: { env: ESTATE_TEST_PASSWORD }
    nodes:
$nodes
    restartCommand: "$($RestartCommand.Replace('"', '\"'))"
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
}

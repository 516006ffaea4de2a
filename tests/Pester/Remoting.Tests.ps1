# PowerShell remoting over a real OpenSSH server: the sandbox's self-managed nodes each play a host of their own, with
# an sshd on a free port of 127.0.0.1 whose `powershell` subsystem is this pwsh and whose PATH starts with the node's
# stand-in systemctl (tests/Pester/SshTestHost.psm1, tests/Sandbox/Elasticsearch/Local/SystemdStandIn.cs). The module
# is not imported on the node side: everything it does there goes through the sessions.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $script:Hosts = @(Start-SandboxSshHosts $Sandbox)
    $script:Sessions = @($Hosts | New-SshTestSession)
    $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
    $script:ConfigDirs = @($Sandbox.localCluster.nodes.configDir)
    $script:OriginalYml = @($ConfigDirs | ForEach-Object { , [IO.File]::ReadAllBytes((Join-Path $_ 'elasticsearch.yml')) })

    function Get-EckLikeCa {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=remoting-test-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
    }

    function Get-Stat([string] $Path) { (& stat -c '%u:%g %a' -- $Path) }
    function Get-NodeState([string] $Name) { Invoke-SandboxControl $Sandbox -Path "/nodes/$Name/state" }
    function Get-Allocation {
        $settings = Invoke-ElasticsearchRequest -Connection $Local GET '/_cluster/settings?flat_settings=true'
        [pscustomobject]@{ Persistent = $settings.persistent.'cluster.routing.allocation.enable'; Transient = $settings.transient.'cluster.routing.allocation.enable' }
    }
    $script:Ca = Get-EckLikeCa
}

AfterAll {
    $Sessions | Remove-PSSession -ErrorAction SilentlyContinue
    $Hosts | Stop-SshTestHost
    Stop-TestSandbox $Sandbox
}

Describe 'Node files through SSH sessions' {
    It 'finds each node''s config directory from ES_PATH_CONF of its service and says so; -WhatIf writes nothing but the lock file' {
        $before = $ConfigDirs | ForEach-Object { Get-ChildItem $_ -Recurse -File -Force | Where-Object Name -ne '.eckremotecluster.lock' | ForEach-Object { "$($_.FullName)=$((Get-FileHash $_.FullName).Hash)" } }
        $verbose = Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $Sessions -WhatIf -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        foreach ($dir in $ConfigDirs) {
            $verbose.Message | Should -Contain ($verbose.Message | Where-Object { $_ -like "*config directory $dir (ES_PATH_CONF of systemd unit elasticsearch.service)*" } | Select-Object -First 1)
        }
        $after = $ConfigDirs | ForEach-Object { Get-ChildItem $_ -Recurse -File -Force | Where-Object Name -ne '.eckremotecluster.lock' | ForEach-Object { "$($_.FullName)=$((Get-FileHash $_.FullName).Hash)" } }
        $after | Should -Be $before
    }

    It 'writes the CA and settings on every node through its session, keeping owner, group and mode' {
        $yml = Join-Path $ConfigDirs[0] 'elasticsearch.yml'
        & chown 0:1 $yml; & chmod 0640 $yml
        $results = @(Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $Sessions -WarningAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results.RestartRequired | Should -Be @($true, $true)
        $results[0].Session | Should -Be $Sessions[0]
        $results[0].ComputerName | Should -Be ([Environment]::MachineName)
        Get-Stat $yml | Should -Be '0:1 640'
        Get-Stat (Join-Path $ConfigDirs[0] 'remote-cluster-ca.crt') | Should -Be '0:1 640'
        Get-Content $yml -Raw | Should -Match 'remote_cluster_client\.ssl'
        Get-ChildItem $ConfigDirs[0] -Force -Filter '*.eckrc-*' | Should -BeNullOrEmpty
        # A second run through the sessions changes nothing.
        @(Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $Sessions).RestartRequired | Should -Be @($false, $false)
    }

    It 'writes a credential into every keystore through the sessions and reloads it' {
        $encoded = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw'))
        $key = ConvertTo-SecureString $encoded -AsPlainText -Force
        $results = @(Add-RemoteClusterCredential -ApiKey $key -Alias viassh -Session $Sessions -Connection $Local)
        $results.Change | Should -Be @('Added', 'Added')
        $results.Reload | Should -Be @('Reloaded', 'Reloaded')
        $results.NodeName | Should -Be @('node-1', 'node-2')
        (Test-RemoteCluster -Connection $Local -Alias viassh -Session $Sessions -WarningAction SilentlyContinue).Alias | Should -Be 'viassh'
        Disconnect-RemoteCluster -Connection $Local -Alias viassh -RemoveCredential -Session $Sessions -Force -ErrorAction SilentlyContinue | Out-Null
        Get-ElasticsearchKeystore -ConfigPath $ConfigDirs[0] | Where-Object Name -eq 'cluster.remote.viassh.credentials' | Should -BeNullOrEmpty
    }

    It 'reads node configs and keystores through the sessions' {
        $configs = @(Get-ElasticsearchNodeConfig -Session $Sessions)
        $configs.NodeName | Should -Be @('node-1', 'node-2')
        $configs.ConfigPath | Should -Be $ConfigDirs
        $configs[1].Session | Should -Be $Sessions[1]
        $entries = @(Get-ElasticsearchKeystore -Session $Sessions[0] -Name 'keystore.seed')
        $entries.Count | Should -Be 1
        $entries[0].Value | Should -BeOfType ([securestring])
        # The transport CA from the node's transport.p12, its password from the node's keystore, all read through the session.
        $remoteCa = Get-ElasticsearchTransportCa -Session $Sessions[0]
        $remoteCa.Certificates[0].Thumbprint | Should -Be (Get-ElasticsearchTransportCa -ConfigPath $ConfigDirs[0]).Certificates[0].Thumbprint
    }

    It 'finds the config directory from -Des.path.conf of a running Elasticsearch process when the host has no Elasticsearch unit' {
        $bare = Start-SshTestHost -Name bare
        $process = $null
        try {
            # A process whose command line carries the launcher's system property, as a node started by hand has.
            $start = [Diagnostics.ProcessStartInfo]::new('bash')
            foreach ($argument in '-c', 'sleep 120; :', "-Des.path.conf=$($ConfigDirs[1])") { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardInput = $true
            $process = [Diagnostics.Process]::Start($start)
            $session = $bare | New-SshTestSession
            $config = Get-ElasticsearchNodeConfig -Session $session -Verbose 4>&1
            ($config | Where-Object { $_ -is [EckRemoteCluster.ElasticsearchNodeConfig] }).NodeName | Should -Be 'node-2'
            ($config | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
                Should -BeLike "*config directory $($ConfigDirs[1]) (path.conf of running process $($process.Id))*"
            Remove-PSSession $session
        }
        finally {
            if ($process) { $process.Kill(); $process.Dispose() }
            $bare | Stop-SshTestHost
        }
    }

    It 'diagnoses a broken remote from the nodes'' logs and CA files, read on each node through its session' {
        # The nodes hold a credential for the alias and trust $Ca for remote_cluster_client; the alias points at node-2's
        # HTTP port, whose certificate no CA file of theirs issued. Elasticsearch answers only "not connected": the
        # trust failure is in each node's log, and the CA files say what they trust, both read through the sessions.
        $null = Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $Sessions -WarningAction SilentlyContinue
        $encoded = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw'))
        $null = Add-RemoteClusterCredential -ApiKey (ConvertTo-SecureString $encoded -AsPlainText -Force) -Alias sshdiag -Session $Sessions -Connection $Local
        $address = ([uri]$Sandbox.localCluster.nodes[1].httpUri).Authority
        $null = Invoke-ElasticsearchRequest -Connection $Local PUT '/_cluster/settings' @{ persistent = @{ 'cluster.remote.sshdiag.mode' = 'proxy'; 'cluster.remote.sshdiag.proxy_address' = $address } }
        try {
            $fromLogs = Test-RemoteCluster -Connection $Local -Alias sshdiag -Session $Sessions -NoHandshake -WarningAction SilentlyContinue
            $fromLogs.Connected | Should -BeFalse
            $fromLogs.Cause | Should -Be 'RemoteCaNotTrusted' -Because $fromLogs.Evidence
            $fromLogs.EvidenceSources | Should -Contain 'node log'
            $fromLogs.Evidence | Should -Match "$([regex]::Escape($Sandbox.localCluster.clusterName))(_server\.json|\.log): .*failed to establish trust"

            $withHandshake = Test-RemoteCluster -Connection $Local -Alias sshdiag -Session $Sessions -WarningAction SilentlyContinue
            $withHandshake.Cause | Should -Be 'RemoteCaNotTrusted'
            $withHandshake.EvidenceSources | Should -Contain 'TLS handshake seen from this machine'
            $withHandshake.Evidence | Should -Match 'they hold \[CN=remoting-test-ca\]' -Because 'the CA file the nodes name was read through the session'
        }
        finally {
            Disconnect-RemoteCluster -Connection $Local -Alias sshdiag -RemoveCredential -Session $Sessions -Force -ErrorAction SilentlyContinue | Out-Null
        }
    }

    It 'refuses a session whose -ConfigPath holds no elasticsearch.yml, before anything changes' {
        { Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $Sessions[0] -ConfigPath $TestDrive -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigPathNotFound,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }

    It 'reports a closed session as SessionUnavailable' {
        $closed = $Hosts[0] | New-SshTestSession
        Remove-PSSession $closed
        { Add-RemoteClusterTrust -CertificateAuthority $Ca -Session $closed -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionUnavailable,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }
}

Describe 'Restart-ElasticsearchNode' {
    It 'under -WhatIf changes no setting and restarts no node' {
        $started = (Get-NodeState node-1).started
        Invoke-SandboxControl $Sandbox -Method DELETE -Path '/requests' | Out-Null
        $Sessions | Restart-ElasticsearchNode -Connection $Local -WhatIf
        Get-RequestLog -Mutating | Should -BeNullOrEmpty
        (Get-NodeState node-1).started | Should -Be $started
    }

    It 'restarts the nodes Add-RemoteClusterTrust left RestartRequired through their sessions, one at a time, in Elasticsearch''s order' {
        # Back to the installed elasticsearch.yml, so trusting a CA changes static settings on both nodes again.
        for ($i = 0; $i -lt $ConfigDirs.Count; $i++) { [IO.File]::WriteAllBytes((Join-Path $ConfigDirs[$i] 'elasticsearch.yml'), $OriginalYml[$i]) }
        $trust = @(Add-RemoteClusterTrust -CertificateAuthority (Get-EckLikeCa) -Session $Sessions -WarningAction SilentlyContinue)
        $trust.RestartRequired | Should -Be @($true, $true)
        $before = @{ 'node-1' = Get-NodeState node-1; 'node-2' = Get-NodeState node-2 }
        Invoke-SandboxControl $Sandbox -Method DELETE -Path '/requests' | Out-Null

        $restarts = @($trust | Restart-ElasticsearchNode -Connection $Local -Force)

        $restarts.NodeName | Should -Be @('node-1', 'node-2')
        $restarts.Method | Should -Be @('Systemd', 'Systemd')
        $restarts.HealthAfter | Should -Be @('green', 'green')
        foreach ($restart in $restarts) {
            $after = Get-NodeState $restart.NodeName
            $after.id | Should -Be $before[$restart.NodeName].id
            $restart.NodeId | Should -Be $after.id
            $after.started | Should -Not -Be $before[$restart.NodeName].started
        }
        # Per node: primaries, flush, allocation back, then the health wait; node-1 completely before node-2.
        $log = @(Invoke-SandboxControl $Sandbox -Path '/requests' | Where-Object { $_.mutating -or $_.path -like '/_cluster/health?wait_for_status*' } |
            ForEach-Object { "$($_.method) $($_.path -replace '\?.*$', '')" })
        $log | Should -Be @(
            'PUT /_cluster/settings', 'POST /_flush', 'PUT /_cluster/settings', 'GET /_cluster/health'
            'PUT /_cluster/settings', 'POST /_flush', 'PUT /_cluster/settings', 'GET /_cluster/health')
        $allocation = Get-Allocation
        $allocation.Persistent | Should -BeNullOrEmpty
        $allocation.Transient | Should -BeNullOrEmpty
        # The nodes read the new trust settings at start: the CA file they reference is the new one.
        Get-Content (Join-Path $ConfigDirs[1] 'remote-cluster-ca.crt') -Raw | Should -Match 'BEGIN CERTIFICATE'
    }

    It 'puts allocation back when a node cannot start, with systemd''s message' {
        $yml = Join-Path $ConfigDirs[1] 'elasticsearch.yml'
        $good = Get-Content $yml -Raw
        try {
            # Both a truststore and certificate_authorities for transport: Elasticsearch refuses to start.
            Add-Content $yml "`nxpack.security.transport.ssl.certificate_authorities: [ certs/http_ca.crt ]"
            $error.Clear()
            { $Sessions[1] | Restart-ElasticsearchNode -Connection $Local -Force -RejoinTimeout 00:00:20 -ErrorAction Stop } |
                Should -Throw -ErrorId 'NodeRestartFailed,EckRemoteCluster.Commands.RestartElasticsearchNodeCommand'
            $error[0].Exception.Message | Should -Match 'Job for elasticsearch.service failed'
            $allocation = Get-Allocation
            $allocation.Persistent | Should -BeNullOrEmpty
        }
        finally {
            Set-Content $yml $good -NoNewline
            Invoke-SandboxControl $Sandbox -Method POST -Path '/nodes/node-2/restart' | Out-Null
        }
    }

    It 'puts allocation back on Ctrl+C in the middle of a restart' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                param($Manifest, $Local, $ConfigDir)
                Import-Module $Manifest
                Restart-ElasticsearchNode -Connection $Local -ConfigPath $ConfigDir -Force -RestartCommand { Start-Sleep -Seconds 120 }
            }).AddArgument((Get-BuiltModuleManifest)).AddArgument($Local).AddArgument($ConfigDirs[0])
            $started = (Get-NodeState node-1).started
            $running = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-Allocation).Persistent -ne 'primaries') {
                if ($running.IsCompleted -or [DateTime]::UtcNow -gt $deadline) { throw "The restart never limited allocation: $($shell.Streams.Error)" }
                Start-Sleep -Milliseconds 50
            }
            $shell.Stop()
            (Get-Allocation).Persistent | Should -BeNullOrEmpty
            (Get-NodeState node-1).started | Should -Be $started
        }
        finally { $shell.Dispose() }
    }

    It 'refuses a node the cluster does not have, before any setting changes' {
        $ghost = Join-Path $TestDrive 'ghost'
        New-Item -ItemType Directory $ghost -Force | Out-Null
        Set-Content (Join-Path $ghost 'elasticsearch.yml') 'node.name: ghost-node'
        Invoke-SandboxControl $Sandbox -Method DELETE -Path '/requests' | Out-Null
        { Restart-ElasticsearchNode -Connection $Local -Session $Sessions[0], $Sessions[1] -ConfigPath $ConfigDirs[0], $ghost -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodeNotInCluster,EckRemoteCluster.Commands.RestartElasticsearchNodeCommand'
        Get-RequestLog -Mutating | Should -BeNullOrEmpty
    }

    It 'refuses config paths without a way to restart them' {
        { Restart-ElasticsearchNode -Connection $Local -ConfigPath $ConfigDirs[0] -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodeRestartMethodMissing,EckRemoteCluster.Commands.RestartElasticsearchNodeCommand'
    }
}

Describe 'Node objects piped into every cmdlet that takes -ConfigPath' {
    BeforeAll {
        $encoded = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('PipeKeyId0123456789a:pipeSecret0123456789ab'))
        $script:PipeKey = ConvertTo-SecureString $encoded -AsPlainText -Force
        function Get-Node([string] $Via) {
            if ($Via -eq 'sessions') { Get-ElasticsearchNodeConfig -Session $Sessions } else { Get-ElasticsearchNodeConfig -ConfigPath $ConfigDirs }
        }
        # The verbose stream names the session a node was reached through ("127.0.0.1 (SSH, session 3 ...)").
        function Get-ReachedThrough($Records) {
            $text = @($Records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
            if ($text -match '\(SSH, session') { 'sessions' } else { 'paths' }
        }
    }

    It 'through <Via>: binds ConfigPath (and Session) by property name, and each cmdlet handles the nodes together' -ForEach @(
        @{ Via = 'sessions' }
        @{ Via = 'paths' }
    ) {
        if ($Via -eq 'paths') {
            # The readers bind ConfigPath only: a node read through a session is read again with -Session.
            @(Get-Node $Via | Get-ElasticsearchKeystore -Name keystore.seed).Count | Should -Be 2
            @(Get-Node $Via | Get-ElasticsearchTransportCa).Count | Should -Be 2
        }

        $written = Get-Node $Via | Add-RemoteClusterCredential -Alias viapipe -ApiKey $PipeKey -Verbose 4>&1
        $results = @($written | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterCredentialResult] })
        $results.ConfigPath | Should -Be $ConfigDirs
        Get-ReachedThrough $written | Should -Be $Via

        $trust = Get-Node $Via | Add-RemoteClusterTrust -CertificateAuthority $Ca -WhatIf -Verbose 4>&1
        Get-ReachedThrough $trust | Should -Be $Via

        $tested = Get-Node $Via | Test-RemoteCluster -Connection $Local -Alias viapipe -NoHandshake -WarningAction SilentlyContinue -Verbose 4>&1
        $result = @($tested | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterTestResult] })
        $result.Count | Should -Be 1 -Because 'the piped nodes are checked together, in one test'
        $result[0].NodeCredentials.Count | Should -Be 2
        $result[0].NodeCredentials.Present | Should -Be @($true, $true)
        Get-ReachedThrough $tested | Should -Be $Via

        Invoke-SandboxControl $Sandbox -Method DELETE -Path '/requests' | Out-Null
        $restart = Get-Node $Via | Restart-ElasticsearchNode -Connection $Local -RestartCommand { throw 'not under -WhatIf' } -WhatIf -Verbose 4>&1
        Get-ReachedThrough $restart | Should -Be $Via
        Get-RequestLog -Mutating | Should -BeNullOrEmpty

        $removed = Get-Node $Via | Disconnect-RemoteCluster -Connection $Local -Alias viapipe -RemoveCredential -Force -Verbose 4>&1
        @($removed | Where-Object { $_ -is [EckRemoteCluster.RemoteClusterCredentialResult] }).Change | Should -Be @('Removed', 'Removed')
        Get-ReachedThrough $removed | Should -Be $Via
        foreach ($dir in $ConfigDirs) {
            Get-ElasticsearchKeystore -ConfigPath $dir -Name 'cluster.remote.viapipe.credentials' | Should -BeNullOrEmpty
        }
    }
}

# The ECK side against the sandbox with ECK 3.3 (service template): find, enable, wait, publish, CA, errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{
        '*-Eck*:KubeConfig' = $Sandbox.kubeconfig
        '*-Eck*:Namespace'  = 'elastic'
    }

    # Invoke-RestMethod returns a JSON array as one object: unroll it before filtering.
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
}

AfterAll {
    Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/faults' -ErrorAction SilentlyContinue | Out-Null
    Stop-TestSandbox $Sandbox
}

Describe 'Get-EckCluster' {
    It 'lists the quickstart cluster as a typed object with its context' {
        $cluster = Get-EckCluster -Name quickstart
        $cluster | Should -BeOfType ([EckRemoteCluster.EckCluster])
        $cluster.Version | Should -Be '9.1.0'
        $cluster.Phase | Should -Be 'Ready'
        $cluster.AvailableNodes | Should -Be 3
        $cluster.PSObject.Properties.Name | Should -Not -Contain 'EckVersion'
        $cluster.Context | Should -Be $Sandbox.kubernetes.adminContext
        $cluster.RemoteClusterServerEnabled | Should -BeFalse
    }

    It 'matches wildcards and searches every namespace' {
        (Get-EckCluster -Name 'quick*').Name | Should -Be 'quickstart'
        (Get-EckCluster -AllNamespaces -KubeConfig $Sandbox.kubeconfig).Namespace | Should -Contain 'elastic'
    }

    It 'reads again when the connection is cut under a read, and writes nothing twice: a reset GET is resent, as client-go resends GETs' {
        Clear-RequestLog
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'elasticsearches/quickstart$'; action = 'reset'; count = 2 }
        try { $cluster = Get-EckCluster -Name quickstart }
        finally { Clear-SandboxFault }
        $cluster.Name | Should -Be 'quickstart'
        $reads = @(Get-RequestLog -PathLike '/apis/elasticsearch.k8s.elastic.co/*/elasticsearches/quickstart')
        $reads.status | Should -Be @(0, 0, 200) -Because 'two reads were cut (status 0 in the log) and the third was answered'
    }

    It 'fails with KubernetesUnreachable, naming the cause, once every resend of a read was cut' {
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'elasticsearches/quickstart$'; action = 'reset'; count = 10 }
        try { $err = { Get-EckCluster -Name quickstart -ErrorAction Stop } | Should -Throw -ErrorId 'KubernetesUnreachable,EckRemoteCluster.Commands.GetEckClusterCommand' -PassThru }
        finally { Clear-SandboxFault }
        $err.Exception.Message | Should -Match 'could not be reached: .+ \(.+\)'
        $err.ErrorDetails.RecommendedAction | Should -Match 'kubectl cluster-info'
    }

    It 'fails with EckClusterNotFound for a cluster that does not exist' {
        $err = { Get-EckCluster -Name nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'EckClusterNotFound,EckRemoteCluster.Commands.GetEckClusterCommand' -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'finds a name in whichever namespace holds it without -Namespace, and names both namespaces when two do (EckClusterNameAmbiguous)' {
        # Without the file's default -Namespace, as a user types it.
        $PSDefaultParameterValues = @{ '*-Eck*:KubeConfig' = $Sandbox.kubeconfig }
        $headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }
        $collection = "$($Sandbox.kubernetes.server)/apis/elasticsearch.k8s.elastic.co/v1/namespaces/search/elasticsearches"
        function New-Cluster([string] $Name) {
            $body = @{ apiVersion = 'elasticsearch.k8s.elastic.co/v1'; kind = 'Elasticsearch'; metadata = @{ name = $Name; namespace = 'search' }
                spec = @{ version = '9.1.0'; nodeSets = @(@{ name = 'default'; count = 1 }) } } | ConvertTo-Json -Depth 10
            Invoke-RestMethod -Method POST -Uri $collection -Headers $headers -Body $body -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        }
        $namespace = @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'search' } } | ConvertTo-Json
        try { Invoke-RestMethod -Method POST -Uri "$($Sandbox.kubernetes.server)/api/v1/namespaces" -Headers $headers -Body $namespace -ContentType 'application/json' -SkipCertificateCheck | Out-Null }
        catch { if ($_.Exception.Response.StatusCode -ne 409) { throw } }
        try {
            New-Cluster 'only-in-search'
            (Get-EckCluster -Name 'only-in-search').Namespace | Should -Be 'search'
            (Get-EckCluster -Name 'only-in-*').Namespace | Should -Be 'search'

            New-Cluster 'quickstart'
            $err = { Get-EckCluster -Name quickstart -ErrorAction Stop } |
                Should -Throw -ErrorId 'EckClusterNameAmbiguous,EckRemoteCluster.Commands.GetEckClusterCommand' -PassThru
            $err.Exception.Message | Should -Match 'elastic/quickstart'
            $err.Exception.Message | Should -Match 'search/quickstart'
            $err.ErrorDetails.RecommendedAction | Should -Match '-Namespace'
            (Get-EckCluster -Name quickstart -Namespace search).Namespace | Should -Be 'search'
            @(Get-EckCluster -Name quickstart -AllNamespaces).Namespace | Should -Be @('elastic', 'search')
            { Get-EckCluster -Name nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'EckClusterNotFound,EckRemoteCluster.Commands.GetEckClusterCommand'
        }
        finally {
            foreach ($name in 'only-in-search', 'quickstart') {
                try { Invoke-RestMethod -Method DELETE -Uri "$collection/$name" -Headers $headers -SkipCertificateCheck | Out-Null } catch { Write-Verbose "$name was not there: $_" }
            }
        }
    }

    It 'fails with KubeContextNotFound for an unknown context' {
        { Get-EckCluster -Context nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'KubeContextNotFound,EckRemoteCluster.Commands.GetEckClusterCommand'
    }

    It 'merges several kubeconfig files like KUBECONFIG' {
        $empty = Join-Path $TestDrive 'empty.kubeconfig'
        Set-Content $empty "apiVersion: v1`nkind: Config`nclusters: []`nusers: []`ncontexts: []"
        $paths = $empty, $Sandbox.kubeconfig -join [IO.Path]::PathSeparator
        (Get-EckCluster -Name quickstart -KubeConfig $paths -Context $Sandbox.kubernetes.readOnlyContext).Name | Should -Be 'quickstart'
    }
}

Describe 'Enable-EckRemoteClusterServer' {
    It 'is refused for the read-only user with KubernetesForbidden and changes nothing' {
        Clear-RequestLog
        $err = { Enable-EckRemoteClusterServer -Name quickstart -Context $Sandbox.kubernetes.readOnlyContext -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubernetesForbidden,EckRemoteCluster.Commands.EnableEckRemoteClusterServerCommand' -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Match 'kubectl auth can-i patch'
        (Get-EckCluster -Name quickstart).RemoteClusterServerEnabled | Should -BeFalse
    }

    It 'sends no mutating request under -WhatIf' {
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -WhatIf
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
        (Get-EckCluster -Name quickstart).RemoteClusterServerEnabled | Should -BeFalse
    }

    It 'enables through a merge patch, retrying an injected 409 and 503, and waits for the rollout' {
        Clear-RequestLog
        Add-SandboxFault @{ target = 'kubernetes'; method = 'PATCH'; pathPattern = 'elasticsearches/quickstart'; status = 409; count = 1 }
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'elasticsearches/quickstart$'; status = 503; count = 1 }
        $cluster = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait
        $cluster.RemoteClusterServerEnabled | Should -BeTrue
        $cluster.Phase | Should -Be 'Ready'
        $patches = @(Get-RequestLog -Mutating -PathLike '/api*' | Where-Object method -eq 'PATCH')
        $patches.Count | Should -Be 2
        $patches[-1].contentType | Should -BeLike 'application/merge-patch+json*'
    }

    It 'does nothing when already enabled, saying so' {
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Out-Null
        Clear-RequestLog
        $verbose = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'already enabled'
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'returns at once without -Wait: the piped cluster is not read again, and nothing watches or polls after the patch' {
        Get-EckCluster -Name quickstart | Disable-EckRemoteClusterServer -Force -Wait | Out-Null
        $eck = Get-EckCluster -Name quickstart
        Clear-RequestLog
        $cluster = $eck | Enable-EckRemoteClusterServer -Force
        $cluster.RemoteClusterServerEnabled | Should -BeTrue
        $cluster.Generation | Should -BeGreaterThan $eck.Generation
        $requests = @(Get-RequestLog -PathLike '/api*')
        $requests.Count | Should -Be 1 -Because 'the patch is the only request: no read of the piped cluster, no watch, no poll'
        $requests[0].method | Should -Be 'PATCH'
        $requests[0].path | Should -BeLike '*/elasticsearches/quickstart*'
        # Later steps use the returned cluster as it is: Get-EckTransportCa reads only the CA secret.
        Clear-RequestLog
        ($cluster | Get-EckTransportCa).Certificates | Should -Not -BeNullOrEmpty
        @(Get-RequestLog -PathLike '/api*' | Where-Object path -like '*elasticsearches*') | Should -BeNullOrEmpty
        Wait-EckCluster -Name quickstart | Out-Null
    }

    It 'refuses Elasticsearch below 8.10 before sending anything' {
        $headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }
        $old = @{ apiVersion = 'elasticsearch.k8s.elastic.co/v1'; kind = 'Elasticsearch'; metadata = @{ name = 'old'; namespace = 'elastic' }
            spec = @{ version = '8.9.0'; nodeSets = @(@{ name = 'default'; count = 1 }) } } | ConvertTo-Json -Depth 10
        Invoke-RestMethod -Method POST -Uri "$($Sandbox.kubernetes.server)/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches" `
            -Headers $headers -Body $old -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        Clear-RequestLog
        { Enable-EckRemoteClusterServer -Name old -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterServerUnsupportedVersion,EckRemoteCluster.Commands.EnableEckRemoteClusterServerCommand'
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }
}

Describe 'Publish-EckRemoteClusterServer (ECK 3.3 service template)' {
    BeforeAll { Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Out-Null }

    It 'sends no mutating request under -WhatIf' {
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'tells ECK 3.3 from the schema OpenAPI v3 serves, without a dry run' {
        Clear-RequestLog
        $verbose = Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "The API server's OpenAPI v3 schema of Elasticsearch has spec.remoteClusterServer.service (ECK 3.3 or later)."
        (Get-RequestLog).path | Should -Contain '/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1'
        (Get-RequestLog).path | Should -Not -Contain '/openapi/v3' -Because 'the group-version document is asked for by its path, without the index'
        @(Get-RequestLog | Where-Object { $_.path -like '*dryRun=All*' }) | Should -BeNullOrEmpty
    }

    It 'falls back to a server-side dry-run patch when OpenAPI v3 fails, and that changes nothing' {
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = '^/openapi/v3/apis/elasticsearch\.k8s\.elastic\.co/v1$'; status = 500; count = 1 }
        Clear-RequestLog
        $verbose = Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain 'A server-side dry-run patch kept spec.remoteClusterServer.service (ECK 3.3 or later).'
        @(Get-RequestLog | Where-Object { $_.method -eq 'PATCH' -and $_.path -like '*dryRun=All*' }).Count | Should -Be 1
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'warns that the ECK version is unknown only when neither the schema nor a dry run answers' {
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = '^/openapi/v3/apis/elasticsearch\.k8s\.elastic\.co/v1$'; status = 500; count = 1 }
        Add-SandboxFault @{ target = 'kubernetes'; method = 'PATCH'; pathPattern = 'dryRun=All'; status = 500; count = 1 }
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings | Where-Object { "$_" -like '*ECK version is unknown*' }).Count | Should -Be 1
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
    }

    It 'ignores a stale ECK 1.x controller-version annotation' {
        $resource = "$($Sandbox.kubernetes.server)/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart"
        $headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }
        $stale = '{"metadata":{"annotations":{"common.k8s.elastic.co/controller-version":"1.9.1"}}}'
        Invoke-RestMethod -Method PATCH -Uri $resource -Headers $headers -Body $stale -ContentType 'application/merge-patch+json' -SkipCertificateCheck | Out-Null
        (Invoke-RestMethod -Uri $resource -Headers $headers -SkipCertificateCheck).metadata.annotations.'common.k8s.elastic.co/controller-version' | Should -Be '1.9.1'
        $verbose = Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer -WhatIf -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain "The API server's OpenAPI v3 schema of Elasticsearch has spec.remoteClusterServer.service (ECK 3.3 or later)."
    }

    It 'sets the template and returns the load balancer endpoint (the stale annotation still there)' {
        $endpoint = Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer
        $endpoint | Should -BeOfType ([EckRemoteCluster.EckRemoteClusterEndpoint])
        $endpoint.Address | Should -Match '^127\.'
        $endpoint.Port | Should -Be 9443
        $endpoint.ProxyAddress | Should -Be "$($endpoint.Address):9443"
        $endpoint.ServerName | Should -Be 'quickstart-es-remote-cluster.elastic.svc'
        $endpoint.ServiceName | Should -Be 'quickstart-es-remote-cluster'
        $endpoint.Cluster | Should -Be 'quickstart'
        $socket = [Net.Sockets.TcpClient]::new()
        try { $socket.Connect($endpoint.Address, $endpoint.Port); $socket.Connected | Should -BeTrue } finally { $socket.Dispose() }
    }

    It 'is idempotent: publishing again sends nothing' {
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer | Out-Null
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer | Should -Not -BeNullOrEmpty
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'is found by Get-EckRemoteClusterEndpoint, which binds from the endpoint by property name' {
        Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -Type LoadBalancer | Out-Null
        $endpoint = Get-EckCluster -Name quickstart | Get-EckRemoteClusterEndpoint
        $endpoint.ServerName | Should -Be 'quickstart-es-remote-cluster.elastic.svc'
        ($endpoint | Get-EckTransportCa).Cluster | Should -Be 'quickstart'
    }
}

Describe 'Get-EckTransportCa' {
    It 'returns every CA with PEM, fingerprint and expiry, and writes -OutFile' {
        $file = Join-Path $TestDrive 'remote-cluster-ca.crt'
        $ca = Get-EckCluster -Name quickstart | Get-EckTransportCa -OutFile $file
        $ca | Should -BeOfType ([EckRemoteCluster.EckCertificateAuthority])
        $ca.Certificates[0] | Should -BeOfType ([System.Security.Cryptography.X509Certificates.X509Certificate2])
        $ca.Sha256Fingerprint[0] | Should -Match '^[0-9A-F]{64}$'
        $ca.NotAfter | Should -BeGreaterThan (Get-Date)
        $ca.Path | Should -Be $file
        Get-Content $file -Raw | Should -Be $ca.Pem
        $ca.Pem | Should -Match '-----BEGIN CERTIFICATE-----'
    }

    It 'replaces an existing -OutFile atomically at a link''s target, keeping its owner, group and mode' -Skip:$IsWindows {
        $folder = Join-Path $TestDrive 'ca-out'
        New-Item -ItemType Directory $folder -Force | Out-Null
        $file = Join-Path $folder 'remote-cluster-ca.crt'
        Set-Content $file 'the CA before' -NoNewline
        & chmod 0640 $file
        $owner = if ((& id -u) -eq '0') { & chown 1234:1235 $file; '1234:1235' } else { "$(& id -u):$(& id -g)" }
        # A second name for the old file: written in place it would change too; replaced by a rename it keeps the old bytes.
        $oldInode = Join-Path $folder 'old-inode'
        New-Item -ItemType HardLink -Path $oldInode -Target $file | Out-Null
        $link = Join-Path $folder 'link.crt'
        New-Item -ItemType SymbolicLink -Path $link -Target $file | Out-Null

        $ca = Get-EckCluster -Name quickstart | Get-EckTransportCa -OutFile $link

        Get-Content $file -Raw | Should -Be $ca.Pem
        Get-Content $oldInode -Raw | Should -Be 'the CA before'
        (Get-Item $link).LinkTarget | Should -Be $file
        & stat -c '%u:%g %a' $file | Should -Be "$owner 640"
        Get-ChildItem $folder -Force -Filter '*.eckrc-*' | Should -BeNullOrEmpty
    }

    It 'fails with TransportCaWriteFailed for a folder that does not exist' {
        $file = Join-Path $TestDrive 'missing-folder' 'ca.crt'
        { Get-EckCluster -Name quickstart | Get-EckTransportCa -OutFile $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'TransportCaWriteFailed,EckRemoteCluster.Commands.GetEckTransportCaCommand'
    }
}

Describe 'Wait-EckCluster' {
    It 'follows a rolling restart through a watch that is cut, and resumes' {
        # Disabling below starts the rolling restart: the server must be on first.
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Out-Null
        Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/rollout' -Body @{ mode = 'realistic' } | Out-Null
        # The roll is held before it deletes its first pod, and let go only once both watches have been cut: the wait
        # starts while the roll is under way and is cut while it still is, however fast or slow the machine is.
        Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/rollout/holds' -Body @{ namespace = 'elastic'; name = 'quickstart'; at = 'podDeletion' } | Out-Null
        $releaser = $null
        try {
            Get-EckCluster -Name quickstart | Disable-EckRemoteClusterServer -Force | Out-Null
            $null = Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/rollout/holds/wait?namespace=elastic&name=quickstart&at=podDeletion&timeoutSeconds=120'
            Clear-RequestLog
            Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'watch=true'; action = 'reset'; count = 2 }
            $releaser = Start-ThreadJob -ArgumentList $Sandbox.controlApi.TrimEnd('/') -ScriptBlock {
                param($Control)
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                while (@(@(Invoke-RestMethod -Uri "$Control/requests") | ForEach-Object { $_ } |
                            Where-Object { $_.path -like '*watch=true*' -and $_.status -eq 0 }).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 50
                }
                Invoke-RestMethod -Method DELETE -Uri "$Control/rollout/holds" | Out-Null
            }
            $cluster = Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:02:00
            $cluster.IsReady | Should -BeTrue
            $cluster.RemoteClusterServerEnabled | Should -BeFalse
            # Both cuts came while the roll was held (the releaser waited for them), so the end the wait reported was
            # seen after them. A watch is logged when it ends: the one still open at the end may not be logged yet.
            $watches = @(Get-RequestLog | Where-Object { $_.path -like '*watch=true*' })
            $watches.Count | Should -BeGreaterOrEqual 2
            $watches[0].status | Should -Be 0 -Because 'the first watch was cut'
            $watches[1].status | Should -Be 0 -Because 'the second watch was cut'
        }
        finally {
            if ($releaser) { $releaser | Remove-Job -Force }
            Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/rollout/holds' | Out-Null
            Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/faults' | Out-Null
            Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/rollout' -Body @{ mode = 'instant' } | Out-Null
            Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:02:00 | Out-Null
        }
    }

    It 'times out with EckClusterWaitTimeout and the last state' {
        # Enabling below starts the rolling restart: the server must be off first.
        Get-EckCluster -Name quickstart | Disable-EckRemoteClusterServer -Force -Wait | Out-Null
        # The roll is held before it deletes its first pod (not slowed down): the wait cannot see it end, whatever the
        # machine's pace.
        Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/rollout/holds' -Body @{ namespace = 'elastic'; name = 'quickstart'; at = 'podDeletion' } | Out-Null
        try {
            Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force | Out-Null
            $null = Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/rollout/holds/wait?namespace=elastic&name=quickstart&at=podDeletion&timeoutSeconds=120'
            $err = { Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:00:01 -ErrorAction Stop } |
                Should -Throw -ErrorId 'EckClusterWaitTimeout,EckRemoteCluster.Commands.WaitEckClusterCommand' -PassThru
            $err.Exception.Message | Should -Match 'phase'
        }
        finally {
            Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/rollout/holds' | Out-Null
            Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:02:00 | Out-Null
        }
    }
}

Describe 'Unpublish-EckRemoteClusterServer' {
    It 'sends nothing under -WhatIf, then removes only its own template' {
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Publish-EckRemoteClusterServer | Out-Null
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Unpublish-EckRemoteClusterServer -WhatIf
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
        Get-EckCluster -Name quickstart | Unpublish-EckRemoteClusterServer
        @(Get-RequestLog -Mutating -PathLike '/api*').Count | Should -Be 1
        { Get-EckCluster -Name quickstart | Get-EckRemoteClusterEndpoint -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterServerNotPublished,EckRemoteCluster.Commands.GetEckRemoteClusterEndpointCommand'
    }
}

Describe 'Unpublish-EckTransport' {
    It 'sends nothing under -WhatIf, then removes only its own template, and nothing the second time' {
        $published = Get-EckCluster -Name quickstart | Publish-EckTransport
        $published.Interface | Should -Be 'Transport'
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Unpublish-EckTransport -WhatIf
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
        Get-EckCluster -Name quickstart | Unpublish-EckTransport
        @(Get-RequestLog -Mutating -PathLike '/api*').Count | Should -Be 1

        Clear-RequestLog
        $said = Get-EckCluster -Name quickstart | Unpublish-EckTransport -Verbose 4>&1
        "$said" | Should -Match 'nothing to remove'
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'leaves the interface publishable again: the template is really gone' {
        Get-EckCluster -Name quickstart | Publish-EckTransport | Out-Null
        Get-EckCluster -Name quickstart | Unpublish-EckTransport
        Clear-RequestLog
        $again = Get-EckCluster -Name quickstart | Publish-EckTransport
        @(Get-RequestLog -Mutating -PathLike '/api*' | Where-Object method -eq 'PATCH').Count | Should -Be 1 -Because 'an unchanged template would have been left alone'
        $again.ServiceName | Should -Be 'quickstart-es-transport'
        Get-EckCluster -Name quickstart | Unpublish-EckTransport
    }

    It 'fails with EckClusterNotFound for an unknown cluster and sends nothing' {
        Clear-RequestLog
        { Unpublish-EckTransport -Name nosuch -ErrorAction Stop } |
            Should -Throw -ErrorId 'EckClusterNotFound,EckRemoteCluster.Commands.UnpublishEckTransportCommand'
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion' {
    It 'completes contexts, namespaces and cluster names' {
        $contexts = Complete "Get-EckCluster -KubeConfig '$($Sandbox.kubeconfig)' -Context sandbox-r"
        $contexts | Should -Contain $Sandbox.kubernetes.readOnlyContext
        $namespaces = Complete "Get-EckCluster -KubeConfig '$($Sandbox.kubeconfig)' -Namespace ela"
        $namespaces | Should -Contain 'elastic'
        $names = Complete "Enable-EckRemoteClusterServer -KubeConfig '$($Sandbox.kubeconfig)' -Namespace elastic -Name qu"
        $names | Should -Contain 'quickstart'
    }
}

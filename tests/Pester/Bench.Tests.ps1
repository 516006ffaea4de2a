# What the Bench task's workflow measurement relies on, asserted without timing anything: the module's pipeline stays
# within the manual procedure's request count and changes only what it must, and the scripted manual procedure it is compared with really
# ends connected (a comparison with a procedure that fails half way would mean nothing). One fresh sandbox per side,
# as in the Bench task; about 25 s together.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'WorkflowBench.ps1')
    $script:Manifest = Get-BuiltModuleManifest
    $script:SandboxAssembly = Join-Path (Get-RepositoryRoot) 'tests' 'Sandbox' 'bin' 'Release' 'net10.0' 'Sandbox.dll'

    function Invoke-Side([string] $Side) {
        # A seed of its own: load balancer addresses that no seedless sandbox running beside this one hands out.
        $sandbox = Start-TestSandbox -ArgumentList @('--seed', (Get-SandboxSeed))
        $releaser = $null
        try {
            if ($Side -eq 'module') { $releaser = Start-RolloutReleaser $sandbox }
            Invoke-WorkflowSide -Side $Side -Sandbox $sandbox -SandboxJson (Join-Path $sandbox.StateDirectory 'sandbox.json') `
                -ModuleManifest $Manifest -WorkDirectory $sandbox.StateDirectory -SandboxAssembly $SandboxAssembly
        }
        finally {
            if ($releaser) {
                $releaser.Stop()
                $releaser.Dispose()
                Invoke-SandboxControl -Sandbox $sandbox -Method DELETE -Path '/rollout/holds' | Out-Null
            }
            Stop-TestSandbox $sandbox
        }
    }

    # The pipeline overlaps ECK's rolling restart with the CA, the connection and the key. Whether a pod restarts under
    # one of those requests is a matter of timing: the product survives it (RollingRestartRace.Tests.ps1), with a retry
    # that the counts below would see. So here ECK's roll is held before it deletes its first pod (/rollout/holds) until
    # the key has been answered, and the counts are those of the pipeline as designed on every run. Publish, which needs
    # a restarted node, only starts after that.
    function Start-RolloutReleaser($Sandbox) {
        Invoke-SandboxControl -Sandbox $Sandbox -Method POST -Path '/rollout/holds' -Body @{ namespace = 'elastic'; name = 'quickstart'; at = 'podDeletion' } | Out-Null
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($ControlApi)
                $delay = 50
                while (-not (@(Invoke-RestMethod -Uri "$ControlApi/requests") | ForEach-Object { $_ } |
                            Where-Object { $_.method -eq 'POST' -and $_.path -like '/_security/cross_cluster/api_key*' -and $_.status -eq 200 })) {
                    Start-Sleep -Milliseconds $delay
                    $delay = [Math]::Min($delay * 2, 500)
                }
                Invoke-RestMethod -Method DELETE -Uri "$ControlApi/rollout/holds" | Out-Null
            }).AddArgument($Sandbox.controlApi.TrimEnd('/'))
        $null = $ps.BeginInvoke()
        $ps
    }
}

Describe 'The workflow bench' {
    Context 'the module pipeline' {
        BeforeAll { $script:Module = Invoke-Side module }

        It 'ends connected and finds the documents' {
            $Module.Connected | Should -BeTrue
            $Module.Hits | Should -BeGreaterOrEqual 1
        }

        It 'sends no more requests than the manual procedure (24), beyond the repeats of a wait''s poll' {
            # 24 is the documented manual procedure's count on a run where each wait ends at its first look (one
            # _remote/info poll; its wait for the rollout is one kubectl wait on ReconciliationComplete);
            # Connect-RemoteCluster's checks may look again on a loaded machine, and only those repeats are not
            # counted. A change that adds a request fails this: it must take one away elsewhere, with
            # docs/performance.md.
            $connectChecks = @($Module.PerStep | Where-Object Step -eq 'Connect-RemoteCluster' | ForEach-Object Requests |
                Where-Object { $_ -like 'GET /_remote/info*' -or $_ -like 'GET /_resolve/cluster/*' }).Count
            $repeats = [math]::Max(0, $connectChecks - 3)
            ($Module.Total - $repeats) | Should -BeLessOrEqual 24
        }

        It 'Publish-EckRemoteClusterServer follows the Service through one watch, never reading it again and again' {
            $publish = @($Module.PerStep | Where-Object Step -eq 'Publish-EckRemoteClusterServer' | ForEach-Object Requests)
            @($publish | Where-Object { $_ -like 'GET /api/v1/namespaces/elastic/services -> *' }).Count | Should -Be 1
            @($publish | Where-Object { $_ -like 'GET /api/v1/namespaces/elastic/services/*' }) | Should -BeNullOrEmpty
        }

        It 'reads the Elasticsearch resource once: every later step uses the EckCluster piped along' {
            @($Module.PerStep.Requests | Where-Object { $_ -like 'GET /apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart -> *' }).Count |
                Should -Be 1
        }

        It 'Enable-EckRemoteClusterServer returns after its patch: no watch or poll of the rollout' {
            @($Module.PerStep | Where-Object Step -eq 'Enable-EckRemoteClusterServer' | ForEach-Object Requests) |
                Should -Be 'PATCH /apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart -> kubernetes 200'
        }

        It 'proves a password connection with GET / alone, and keeps the fresh connection check' {
            @($Module.PerStep.Requests | Where-Object { $_ -like 'GET /_security/_authenticate *' }) | Should -BeNullOrEmpty
            @($Module.PerStep | Where-Object Step -eq 'Test-RemoteCluster -SearchIndex' | ForEach-Object Requests |
                Where-Object { $_ -like 'GET /_resolve/cluster/*' }).Count | Should -BeGreaterOrEqual 1
        }

        It 'changes Kubernetes with exactly two PATCHes (enable, publish)' {
            $Module.KubernetesMutating | Should -Be 2
        }

        It 'changes Elasticsearch only with the key, the reload and the settings' {
            $changes = @($Module.PerStep.Requests | Where-Object { $_ -match '^(POST|PUT|DELETE|PATCH) ' -and $_ -notmatch '-> kubernetes' } |
                ForEach-Object { ($_ -split ' ')[0..1] -join ' ' } |
                Where-Object { $_ -notmatch '/_search$' })   # a search sent as POST changes nothing
            $changes | Sort-Object | Should -Be @('POST /_nodes/reload_secure_settings', 'POST /_security/cross_cluster/api_key', 'PUT /_cluster/settings')
        }

        It 'gets no error answer from any request' {
            @($Module.PerStep.Requests | Where-Object { $_ -match ' [45]\d\d$' }) | Should -BeNullOrEmpty
        }
    }

    Context 'the manual procedure' {
        BeforeAll { $script:Manual = Invoke-Side manual }

        It 'ends connected and finds the documents with a cross-cluster search' {
            $Manual.Connected | Should -BeTrue
            $Manual.Hits | Should -BeGreaterOrEqual 1
        }

        It 'gets no error answer from any request' {
            @($Manual.PerStep.Requests | Where-Object { $_ -match ' [45]\d\d$' }) | Should -BeNullOrEmpty
        }
    }
}

Describe 'The estate bench' {
    It 'keeps the figures it took when one sync fails: that figure is null and the failure is reported' {
        . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'ModuleLayout.ps1')
        . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'EstateBench.ps1')
        # Stands in for the sandbox and the sync (this file's other tests run the real ones): the 20-cluster realistic run fails.
        function Invoke-EstateSyncRun([string] $Root, [int] $Clusters, [string] $Rollout) {
            if ($Clusters -eq 20 -and $Rollout -eq 'realistic') { throw 'every link ended KubernetesUnreachable' }
            [pscustomobject]@{ Seconds = 1.5; Results = $Clusters; Footprint = [pscustomobject]@{ eckClusters = $Clusters } }
        }

        $estate = Invoke-EstateBench -Root (Get-RepositoryRoot) 6>$null 3>$null

        $estate.Timings.estate20RealisticSeconds | Should -BeNullOrEmpty
        $estate.Timings.estate1Seconds, $estate.Timings.estate20Seconds, $estate.Timings.estate1RealisticSeconds | Should -Be @(1.5, 1.5, 1.5)
        $estate.Footprint.eckClusters | Should -Be 20
        $estate.Failures | Should -HaveCount 1
        $estate.Failures[0] | Should -Match '^estate20RealisticSeconds: every link ended KubernetesUnreachable'
    }
}

# The Bench measures the import a second time on a ReadyToRun build of this pwsh (ReadyToRunPwsh.ps1). Building it
# takes a minute of both cores, so the suite checks the parts it rests on and leaves the build itself to the Bench.
Describe 'The ReadyToRun pwsh of the import bench' {
    BeforeAll {
        . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'ReadyToRunPwsh.ps1')
    }

    It 'tells a ReadyToRun image from an IL-only one' {
        $moduleFolder = Split-Path (Get-BuiltModuleManifest)
        Test-ReadyToRunImage (Join-Path $moduleFolder 'EckRemoteCluster.dll') | Should -BeTrue   # published ReadyToRun by the build
        $engineIl = Join-Path (Get-RepositoryRoot) 'src' 'EckRemoteCluster.Engine' 'bin' 'Release' 'net8.0' 'EckRemoteCluster.Engine.dll'
        Test-ReadyToRunImage $engineIl | Should -BeFalse   # the plain build the tests compile against
    }

    It 'references every managed assembly of a pwsh folder, for its own target framework, and nothing else' {
        $pwshHome = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'pwsh') -Force
        Copy-Item (Join-Path $PSHOME 'System.Management.Automation.dll'), (Join-Path $PSHOME 'pwsh.runtimeconfig.json') $pwshHome
        Set-Content -Path (Join-Path $pwshHome 'libnative.dll') -Value 'not a PE file'
        $expectedFramework = (Get-Content (Join-Path $PSHOME 'pwsh.runtimeconfig.json') -Raw | ConvertFrom-Json).runtimeOptions.tfm

        $project = [xml](Get-Content -Raw (New-ReadyToRunPwshProject -PwshHome $pwshHome -Directory (Join-Path $TestDrive 'project')))

        $project.Project.PropertyGroup.TargetFramework | Should -Be $expectedFramework
        @($project.Project.ItemGroup.Reference.Include) | Should -Be @((Join-Path $pwshHome 'System.Management.Automation.dll'))
        # The repository's own props (warnings as errors, our version) must not reach PowerShell's assemblies.
        Get-Content (Join-Path $TestDrive 'project' 'Directory.Build.props') | Should -Be '<Project />'
    }
}

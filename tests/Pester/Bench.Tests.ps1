# What the Bench task's workflow measurement relies on, asserted without timing anything: the module's pipeline stays
# within a request budget and changes only what it must, and the scripted manual procedure it is compared with really
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
        try {
            Invoke-WorkflowSide -Side $Side -Sandbox $sandbox -SandboxJson (Join-Path $sandbox.StateDirectory 'sandbox.json') `
                -ModuleManifest $Manifest -WorkDirectory $sandbox.StateDirectory -SandboxAssembly $SandboxAssembly
        }
        finally { Stop-TestSandbox $sandbox }
    }
}

Describe 'The workflow bench' {
    Context 'the module pipeline' {
        BeforeAll { $script:Module = Invoke-Side module }

        It 'ends connected and finds the documents' {
            $Module.Connected | Should -BeTrue
            $Module.Hits | Should -BeGreaterOrEqual 1
        }

        It 'sends at most 40 requests' {
            # 32 on a run where every wait ends at its first look (Enable -Wait's watch, Publish's service poll,
            # Connect-RemoteCluster's _resolve/cluster); 8 spare for extra polls on a loaded machine. A change that
            # adds one request to each cmdlet (12) fails this: raise the bound knowingly, with docs/performance.md.
            $Module.Total | Should -BeLessOrEqual 40
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

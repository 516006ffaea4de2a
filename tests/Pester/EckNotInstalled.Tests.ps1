# A Kubernetes cluster without ECK: the sandbox's Elasticsearch CRD is removed, as on a cluster where ECK was never installed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{ '*-Eck*:KubeConfig' = $Sandbox.kubeconfig; '*-Eck*:Namespace' = 'elastic' }
    Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/kubernetes/crds/elasticsearch' | Out-Null
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Get-EckCluster on a Kubernetes cluster without ECK' {
    It 'fails a named lookup with EckNotInstalled and says to check the context or install ECK' {
        $err = { Get-EckCluster -Name quickstart -ErrorAction Stop } |
            Should -Throw -ErrorId 'EckNotInstalled,EckRemoteCluster.Commands.GetEckClusterCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'NotInstalled'
        $err.Exception.Message | Should -Match 'elasticsearches\.elasticsearch\.k8s\.elastic\.co'
        $err.ErrorDetails.RecommendedAction | Should -Match 'install ECK'
    }

    It 'fails a listing of every namespace the same way, not as an empty result' {
        { Get-EckCluster -AllNamespaces -ErrorAction Stop } |
            Should -Throw -ErrorId 'EckNotInstalled,EckRemoteCluster.Commands.GetEckClusterCommand'
    }

    It 'finds the cluster again once the CRD is back' {
        Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/kubernetes/crds/elasticsearch' | Out-Null
        try { (Get-EckCluster -Name quickstart).Name | Should -Be 'quickstart' }
        finally { Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/kubernetes/crds/elasticsearch' | Out-Null }
    }
}

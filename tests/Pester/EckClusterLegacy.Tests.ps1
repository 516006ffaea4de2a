# ECK before 3.3 has no spec.remoteClusterServer.service: publishing goes through a Service of the module's own.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox -ArgumentList '--eck-version', '3.2.0'
    $PSDefaultParameterValues = @{
        '*-Eck*:KubeConfig' = $Sandbox.kubeconfig
        '*-Eck*:Namespace'  = 'elastic'
    }
    $script:Headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }
    $script:Services = "$($Sandbox.kubernetes.server)/api/v1/namespaces/elastic/services"
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Publish-EckRemoteClusterServer on ECK 3.2' {
    It 'refuses to publish while the remote cluster server is off' {
        { Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoteClusterServerNotEnabled,EckRemoteCluster.Commands.PublishEckRemoteClusterServerCommand'
    }

    It 'creates its own labelled Service targeting 9443, and publishing again sends nothing' {
        $cluster = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait
        Clear-RequestLog
        $output = $cluster | Publish-EckRemoteClusterServer -Type LoadBalancer -Port 19443 -Verbose -WarningVariable warnings 4>&1
        $endpoint = $output | Where-Object { $_ -is [EckRemoteCluster.EckRemoteClusterEndpoint] }
        $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message |
            Should -Contain "The API server's OpenAPI v3 schema of Elasticsearch has no spec.remoteClusterServer.service (ECK before 3.3)."
        $warnings | Should -BeNullOrEmpty
        $endpoint.ServiceName | Should -Be 'quickstart-es-remote-cluster-lb'
        $endpoint.Port | Should -Be 19443
        $endpoint.ServerName | Should -Be 'quickstart-es-remote-cluster.elastic.svc'
        $service = Invoke-RestMethod -Uri "$Services/quickstart-es-remote-cluster-lb" -Headers $Headers -SkipCertificateCheck
        $service.metadata.labels.'app.kubernetes.io/managed-by' | Should -Be 'EckRemoteCluster'
        $service.spec.ports[0].targetPort | Should -Be 9443
        (Invoke-RestMethod -Uri "$($Sandbox.kubernetes.server)/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart" -Headers $Headers -SkipCertificateCheck).spec.remoteClusterServer.PSObject.Properties.Name |
            Should -Not -Contain 'service'
        Clear-RequestLog
        $cluster | Publish-EckRemoteClusterServer -Type LoadBalancer -Port 19443 | Out-Null
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }

    It 'unpublishes by deleting only its own Service' {
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Publish-EckRemoteClusterServer -Type LoadBalancer -Port 19443 | Out-Null
        Get-EckCluster -Name quickstart | Unpublish-EckRemoteClusterServer
        { Invoke-RestMethod -Uri "$Services/quickstart-es-remote-cluster-lb" -Headers $Headers -SkipCertificateCheck } | Should -Throw
        Invoke-RestMethod -Uri "$Services/quickstart-es-remote-cluster" -Headers $Headers -SkipCertificateCheck | Should -Not -BeNullOrEmpty
    }

    It 'refuses a Service of that name that it did not create, and leaves it on unpublish' {
        Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Unpublish-EckRemoteClusterServer | Out-Null
        $foreign = @{ apiVersion = 'v1'; kind = 'Service'; metadata = @{ name = 'quickstart-es-remote-cluster-lb'; namespace = 'elastic' }
            spec = @{ type = 'ClusterIP'; selector = @{ app = 'x' }; ports = @(@{ port = 9443 }) } } | ConvertTo-Json -Depth 10
        Invoke-RestMethod -Method POST -Uri $Services -Headers $Headers -Body $foreign -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        { Get-EckCluster -Name quickstart | Publish-EckRemoteClusterServer -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceNameTaken,EckRemoteCluster.Commands.PublishEckRemoteClusterServerCommand'
        Clear-RequestLog
        Get-EckCluster -Name quickstart | Unpublish-EckRemoteClusterServer -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Not -BeNullOrEmpty
        Get-RequestLog -Mutating -PathLike '/api*' | Should -BeNullOrEmpty
    }
}

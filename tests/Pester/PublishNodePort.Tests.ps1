# Publishing the remote cluster server as a NodePort (ECK 3.3 service template) and reaching it over TLS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{ '*-Eck*:KubeConfig' = $Sandbox.kubeconfig; '*-Eck*:Namespace' = 'elastic' }
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Publish-EckRemoteClusterServer -Type NodePort' {
    BeforeAll {
        $script:Endpoint = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Publish-EckRemoteClusterServer -Type NodePort
        $service = Invoke-RestMethod -Uri "$($Sandbox.kubernetes.server)/api/v1/namespaces/elastic/services/quickstart-es-remote-cluster" `
            -Headers @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" } -SkipCertificateCheck
        $script:NodePort = ($service.spec.ports | Where-Object name -eq 'rcs').nodePort
    }

    It 'returns the node address and the node port, not the service port' {
        $NodePort | Should -BeGreaterOrEqual 30000
        $Endpoint.ServiceType | Should -Be 'NodePort'
        $Endpoint.Address | Should -Be '127.0.0.1'
        $Endpoint.Port | Should -Be $NodePort
        $Endpoint.ProxyAddress | Should -Be "127.0.0.1:$NodePort"
        (Get-EckCluster -Name quickstart | Get-EckRemoteClusterEndpoint).ProxyAddress | Should -Be "127.0.0.1:$NodePort"
    }

    It 'carries a TLS connection to the remote cluster server, whose certificate chains to the transport CA and names ServerName' {
        $authorities = (Get-EckCluster -Name quickstart | Get-EckTransportCa).Certificates
        $validate = [System.Net.Security.RemoteCertificateValidationCallback] {
            param($sender, $certificate, $chain, $errors)
            $custom = [System.Security.Cryptography.X509Certificates.X509Chain]::new()
            $custom.ChainPolicy.TrustMode = 'CustomRootTrust'
            $custom.ChainPolicy.RevocationMode = 'NoCheck'
            $custom.ChainPolicy.CustomTrustStore.AddRange($authorities)
            $chained = $custom.Build([System.Security.Cryptography.X509Certificates.X509Certificate2]::new($certificate))
            # AuthenticateAsClient fails when this returns false.
            $chained -and -not $errors.HasFlag([System.Net.Security.SslPolicyErrors]::RemoteCertificateNameMismatch)
        }.GetNewClosure()
        $tcp = [System.Net.Sockets.TcpClient]::new()
        try {
            $tcp.Connect($Endpoint.Address, $Endpoint.Port)
            $tls = [System.Net.Security.SslStream]::new($tcp.GetStream(), $false, $validate)
            $tls.AuthenticateAsClient($Endpoint.ServerName)
            $tls.IsAuthenticated | Should -BeTrue
            $tls.RemoteCertificate | Should -Not -BeNullOrEmpty
        }
        finally { $tcp.Dispose() }
    }
}

Describe 'Publish-EckRemoteClusterServer when the address opens only after it is in the Service' {
    BeforeAll {
        # As kube-proxy and cloud load balancers lag: the new address refuses connections for two seconds.
        Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/loadbalancers' -Body @{ listenDelayMs = 2000 } | Out-Null
        $script:Published = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Publish-EckRemoteClusterServer -Type LoadBalancer
    }

    AfterAll { Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/loadbalancers' -Body @{ listenDelayMs = 0 } | Out-Null }

    It 'hands out the address only once it accepts connections' {
        $Published.ServiceType | Should -Be 'LoadBalancer'
        $tcp = [System.Net.Sockets.TcpClient]::new()
        try {
            { $tcp.Connect($Published.Address, $Published.Port) } | Should -Not -Throw
            $tcp.Connected | Should -BeTrue
        }
        finally { $tcp.Dispose() }
    }
}

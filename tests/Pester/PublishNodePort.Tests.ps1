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

Describe 'Export-RemoteClusterEstate of a certificate-model link whose transport is a NodePort Service' {
    BeforeAll {
        $env:KUBECONFIG = $Sandbox.kubeconfig
        $env:NODEPORT_ESTATE_PASSWORD = $Sandbox.localCluster.elasticPassword
        $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
        $script:Folder = Join-Path $Sandbox.StateDirectory 'estate-nodeport'
        New-Item -ItemType Directory $Folder -Force | Out-Null
        $script:RestartCommand = Get-SandboxNodeRestartCommand $Sandbox
        # The remote cluster server published through a LoadBalancer: the ECK cluster has a published endpoint of another
        # Service type than its transport's, which the export must not take for the link's.
        $null = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force -Wait | Publish-EckRemoteClusterServer -Type LoadBalancer
        $script:Alias = "certnp$(Get-Random -Maximum 99999)"
        $nodesYaml = ($Nodes | ForEach-Object { "      - configPath: '$_'" }) -join "`n"
        $script:EstatePath = Join-Path $Folder 'nodeport.yaml'
        Set-Content -Path $EstatePath -Encoding utf8NoBOM -Value @"
version: 1
localClusters:
  - name: dc1
    uris: [$(($Sandbox.localCluster.nodes.httpUri | ForEach-Object { "'$_'" }) -join ', ')]
    certificateAuthority: '$($Sandbox.localCluster.httpCaPath)'
    username: $($Sandbox.localCluster.username)
    password: { env: NODEPORT_ESTATE_PASSWORD }
    nodes:
$nodesYaml
    restartCommand: "$($RestartCommand.Replace('"', '\"'))"
eckClusters:
  - name: prod
    namespace: elastic
    cluster: quickstart
    serviceType: NodePort
links:
  - alias: $Alias
    local: dc1
    eck: prod
    securityModel: Certificate
"@
        $script:Applied = @(Sync-RemoteClusterEstate -Path $EstatePath -Force)
    }

    AfterAll {
        $local = Connect-LocalCluster
        $null = $local | Invoke-ElasticsearchRequest PUT '/_cluster/settings' @{ persistent = @{ "cluster.remote.$Alias.mode" = $null; "cluster.remote.$Alias.proxy_address" = $null; "cluster.remote.$Alias.server_name" = $null } } -ErrorAction SilentlyContinue
        Remove-Item Env:KUBECONFIG, Env:NODEPORT_ESTATE_PASSWORD -ErrorAction SilentlyContinue
    }

    It 'writes serviceType NodePort, and Sync-RemoteClusterEstate -WhatIf of the exported file returns only Unchanged rows' {
        $Applied.State | Should -Be 'Converged'
        $Applied.Connected | Should -BeTrue
        $service = Invoke-RestMethod -Uri "$($Sandbox.kubernetes.server)/api/v1/namespaces/elastic/services/quickstart-es-transport" `
            -Headers @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" } -SkipCertificateCheck
        $service.spec.type | Should -Be 'NodePort' -Because 'the estate published the transport through a NodePort Service'
        $registered = Get-RemoteCluster -Connection (Connect-LocalCluster) | Where-Object Alias -eq $Alias
        $registered.ProxyAddress | Should -Be "127.0.0.1:$(($service.spec.ports | Where-Object port -eq 9300).nodePort)"
        $path = Join-Path $Folder 'nodeport-exported.yaml'

        Export-RemoteClusterEstate -Path $path -Connection (Connect-LocalCluster) -ConfigPath $Nodes -Name dc1 -CertificateAuthority $Sandbox.localCluster.httpCaPath `
            -PasswordVariable NODEPORT_ESTATE_PASSWORD -RestartCommand $RestartCommand -Force | Out-Null

        $text = Get-Content $path -Raw
        $text | Should -Match "alias: $Alias"
        $text | Should -Match 'securityModel: Certificate'
        $text | Should -Match 'serviceType: NodePort'
        $rows = Sync-RemoteClusterEstate -Path $path -WhatIf
        ($rows | Where-Object Alias -eq $Alias).Step | Should -Be @('Publish', 'EckTrust', 'Trust', 'Registration')
        $rows | Where-Object Action -ne 'Unchanged' | Should -BeNullOrEmpty
    }
}

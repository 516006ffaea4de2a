# New-ElasticsearchConnection: to an ECK cluster through a port-forward, and to the self-managed cluster by URI.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $script:Local = $Sandbox.localCluster
    $script:Credential = [pscredential]::new($Local.username, (ConvertTo-SecureString $Local.elasticPassword -AsPlainText -Force))
    $script:Uris = @($Local.nodes.httpUri)
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'New-ElasticsearchConnection -EckCluster' {
    It 'connects as elastic through a port-forward over the Kubernetes API, verifying the HTTP CA' {
        $connection = Get-EckCluster -KubeConfig $Sandbox.kubeconfig -Namespace elastic -Name quickstart | New-ElasticsearchConnection
        $connection | Should -BeOfType ([EckRemoteCluster.ElasticsearchConnection])
        $connection.ClusterName | Should -Be 'quickstart'
        $connection.User | Should -Be 'elastic'
        $connection.Route | Should -Be 'PortForward'
        $connection.Version | Should -Match '^\d+\.\d+\.\d+'
    }

    It 'is refused for the read-only user, who may not port-forward' {
        $cluster = Get-EckCluster -KubeConfig $Sandbox.kubeconfig -Context $Sandbox.kubernetes.readOnlyContext -Namespace elastic -Name quickstart
        { $cluster | New-ElasticsearchConnection -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubernetesForbidden,EckRemoteCluster.Commands.NewElasticsearchConnectionCommand'
    }
}

Describe 'New-ElasticsearchConnection -Uri' {
    It 'connects with a credential and the HTTP CA file, showing cluster, version and user' {
        $connection = New-ElasticsearchConnection -Uri $Uris -Credential $Credential -CertificateAuthority $Local.httpCaPath
        $connection.ClusterName | Should -Be $Local.clusterName
        $connection.Version | Should -Be $Local.version
        $connection.User | Should -Be 'elastic'
        $connection.Route | Should -Be 'Direct'
    }

    It 'refuses an untrusted certificate by default with ElasticsearchTlsFailed' {
        { New-ElasticsearchConnection -Uri $Uris[0] -Credential $Credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'ElasticsearchTlsFailed,EckRemoteCluster.Commands.NewElasticsearchConnectionCommand'
    }

    It 'accepts a pinned certificate fingerprint' {
        # The sandbox's nodes send only their own certificate (real ones send the CA too), so pin the node's certificate.
        $uri = [uri] $Uris[0]
        $tcp = [Net.Sockets.TcpClient]::new($uri.Host, $uri.Port)
        $script:presented = $null
        $tls = [Net.Security.SslStream]::new($tcp.GetStream(), $false, { param($s, $c) $script:presented = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($c); $true })
        try { $tls.AuthenticateAsClient($uri.Host) } finally { $tls.Dispose(); $tcp.Dispose() }
        $fingerprint = $presented.GetCertHashString([System.Security.Cryptography.HashAlgorithmName]::SHA256)
        (New-ElasticsearchConnection -Uri $Uris[0] -Credential $Credential -CertificateFingerprint $fingerprint).User | Should -Be 'elastic'
    }

    It 'warns under -SkipCertificateCheck' {
        $connection = New-ElasticsearchConnection -Uri $Uris[0] -Credential $Credential -SkipCertificateCheck -WarningVariable warnings -WarningAction SilentlyContinue
        $connection | Should -Not -BeNullOrEmpty
        $warnings | Should -Not -BeNullOrEmpty
    }

    It 'fails with ElasticsearchAuthenticationFailed for a wrong password, without printing it' {
        $wrong = [pscredential]::new('elastic', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $err = { New-ElasticsearchConnection -Uri $Uris[0] -Credential $wrong -CertificateAuthority $Local.httpCaPath -ErrorAction Stop } |
            Should -Throw -ErrorId 'ElasticsearchAuthenticationFailed,EckRemoteCluster.Commands.NewElasticsearchConnectionCommand' -PassThru
        ($err | Out-String) | Should -Not -Match 'not-the-password'
    }

    It 'fails with ElasticsearchUnreachable for a port nobody listens on' {
        { New-ElasticsearchConnection -Uri 'https://127.0.0.1:1' -Credential $Credential -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'ElasticsearchUnreachable,EckRemoteCluster.Commands.NewElasticsearchConnectionCommand'
    }
}

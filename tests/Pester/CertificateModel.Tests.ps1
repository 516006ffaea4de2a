# The TLS-certificate model against one sandbox: -WhatIf first, then the workflow from the PKCS#12-configured nodes
# security auto-configuration leaves, a second run, each one-sided trust mistake, the same nodes moved to PEM files,
# and finally the move to the API-key model. Every It can run alone: what it needs in place comes from a BeforeAll
# (Initialize-CertificateModel, idempotent), not from the Its before it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $script:LocalCredential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
    $script:Eck = @{ Name = 'quickstart'; Namespace = 'elastic' }

    # Registers an alias by hand (as someone following the manual steps would) and returns what Test-RemoteCluster says.
    function Test-HandRegistered([string] $Alias, [string] $Address) {
        $remote = @{ mode = 'proxy'; proxy_address = $Address }
        Invoke-ElasticsearchRequest -Connection $Local PUT '/_cluster/settings' @{ persistent = @{ cluster = @{ remote = @{ $Alias = $remote } } } } | Out-Null
        try { Test-RemoteCluster -Connection $Local -Alias $Alias -ConfigPath $Nodes }
        finally { Disconnect-RemoteCluster -Connection $Local -Alias $Alias -Force | Out-Null }
    }

    <#
    The certificate-model connection eck-cert in place, whatever ran before: ECK trusts the local CA, the transport
    interface is published, every node trusts the ECK CA (restarted if that needed it), eck-cert is registered.
    Sets $Endpoint and $EckCa.
    #>
    function Initialize-CertificateModel {
        $LocalCa | Add-EckTransportTrust @Eck -Wait | Out-Null
        Wait-SandboxSettled
        $script:Endpoint = Get-EckCluster @Eck | Publish-EckTransport
        $script:EckCa = Get-EckTransportCa @Eck
        $trust = $EckCa | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes -WarningAction SilentlyContinue
        $trust | Where-Object RestartRequired | ForEach-Object { Restart-LocalNode $_.ConfigPath }
        $Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck-cert | Out-Null
    }

    $script:Local = Connect-LocalCluster
    $script:Remote = Get-EckCluster @Eck | New-ElasticsearchConnection
    foreach ($i in 1..2) { $null = $Remote | Invoke-ElasticsearchRequest PUT "/logs-cert/_doc/$($i)?refresh=true" @{ n = $i } }
    # Read before any It changes the nodes: the auto-configured transport CA, in transport.p12.
    $script:LocalCa = Get-ElasticsearchTransportCa $Nodes[0]
}

AfterAll {
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'The certificate model from PKCS#12-configured nodes' {
    It 'sends no mutating request and writes no file under -WhatIf' {
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        Get-ElasticsearchTransportCa $Nodes[0] | Add-EckTransportTrust @Eck -Wait -WhatIf | Out-Null
        Publish-EckTransport @Eck -WhatIf | Out-Null
        Get-EckTransportCa @Eck | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes -WhatIf | Out-Null
        Connect-RemoteCluster -Connection $Local -Alias eck-cert -ProxyAddress '127.0.0.1:9300' -WhatIf | Out-Null

        @(Get-RequestLog -Mutating) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
    }

    It 'reads the local transport CA from transport.p12' {
        $ca = Get-ElasticsearchTransportCa $Nodes[0]
        $ca | Should -BeOfType ([EckRemoteCluster.ElasticsearchTransportCa])
        $ca.Source | Should -BeLike '*transport.p12'
        $ca.Subject | Should -Be @('CN=Elasticsearch security auto-configuration transport CA')
        (Get-ElasticsearchTransportCa $Nodes[1]).Sha256Fingerprint | Should -Be $ca.Sha256Fingerprint -Because 'the nodes share a CA'
    }

    It 'connects and searches the remote documents' {
        $trust = $LocalCa | Add-EckTransportTrust @Eck -Wait
        $trust.ConfigMapName | Should -Be 'quickstart-remote-transport-ca'
        $trust.ConfigMapChange | Should -Be 'Created'
        $trust.SpecChanged | Should -BeTrue
        $trust.Phase | Should -Be 'Ready'
        (Get-EckTransportCa @Eck).Sha256Fingerprint | Should -Contain $LocalCa.Sha256Fingerprint[0] -Because 'ECK appends the ConfigMap to its public transport CA'

        $endpoint = Get-EckCluster @Eck | Publish-EckTransport
        $endpoint.ServiceName | Should -Be 'quickstart-es-transport'
        $endpoint.ProxyAddress | Should -Match ':\d+$'

        $nodeTrust = Get-EckTransportCa @Eck | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes
        $nodeTrust.CaFile | Should -BeLike '*transport.p12'
        $nodeTrust.CaFileChange | Should -Be @('Updated', 'Updated')
        $nodeTrust.RestartRequired | Should -Be @($false, $false) -Because 'Elasticsearch reloads a changed truststore'
        Test-Path "$($Nodes[0])/certs/transport.p12.bak" | Should -BeTrue

        $connected = $endpoint | Connect-RemoteCluster -Connection $Local -Alias eck-cert
        $connected.Connected | Should -BeTrue
        $connected.SecurityModel | Should -Be 'Certificate'

        $test = Test-RemoteCluster -Connection $Local -Alias eck-cert -SearchIndex 'logs-*'
        $test.Connected | Should -BeTrue
        $test.SecurityModel | Should -Be 'Certificate'
        $test.SearchHits | Should -Be 2
    }

    Context 'once connected' {
        BeforeAll { Initialize-CertificateModel }

        It 'changes nothing when run again' {
            $before = Get-NodeFileSnapshot $Nodes
            Clear-RequestLog
            $trust = Get-ElasticsearchTransportCa $Nodes[0] | Add-EckTransportTrust @Eck
            $trust.ConfigMapChange | Should -Be 'Unchanged'
            $trust.SpecChanged | Should -BeFalse
            (Publish-EckTransport @Eck).ProxyAddress | Should -Be $Endpoint.ProxyAddress
            (Get-EckTransportCa @Eck | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes).CaFileChange | Should -Be @('Unchanged', 'Unchanged')
            ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck-cert).Connected | Should -BeTrue

            @(Get-RequestLog -Mutating) | Should -BeNullOrEmpty
            Get-NodeFileSnapshot $Nodes | Should -Be $before
        }
    }
}

Describe 'One-sided trust mistakes' {
    BeforeAll { Initialize-CertificateModel }

    It 'diagnoses RemoteCaNotTrusted when the local nodes do not trust the ECK CA' {
        for ($i = 0; $i -lt $Nodes.Count; $i++) { Copy-Item "$($Nodes[$i])/certs/transport.p12" "$TestDrive/trusted-$i.p12" }
        try {
            $Nodes | ForEach-Object { Copy-Item "$_/certs/transport.p12.bak" "$_/certs/transport.p12" -Force }
            $result = Test-HandRegistered -Alias cert-untrusted -Address $Endpoint.ProxyAddress
            $result.Connected | Should -BeFalse
            $result.Cause | Should -Be 'RemoteCaNotTrusted' -Because $result.Evidence
            $result.RecommendedAction | Should -Match 'SecurityModel Certificate'
        }
        finally {
            for ($i = 0; $i -lt $Nodes.Count; $i++) { Copy-Item "$TestDrive/trusted-$i.p12" "$($Nodes[$i])/certs/transport.p12" -Force }
        }
    }

    It 'diagnoses LocalCaNotTrustedByRemote when ECK does not trust the local CA, and Add-EckTransportTrust adds it back keeping the other CA' {
        $other = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=some other CA', [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $other.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $otherPem = $other.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(400)).ExportCertificatePem()
        $patch = @{ data = @{ 'ca.crt' = $otherPem } } | ConvertTo-Json -Compress
        kubectl patch configmap quickstart-remote-transport-ca -n elastic --type merge -p $patch | Out-Null
        $LASTEXITCODE | Should -Be 0
        # ECK rolls the new trust out to its nodes (no new generation: the status may still say Ready from before).
        Wait-SandboxSettled
        $result = Test-HandRegistered -Alias cert-rejected -Address $Endpoint.ProxyAddress
        $result.Connected | Should -BeFalse
        $result.Cause | Should -Be 'LocalCaNotTrustedByRemote' -Because $result.Evidence
        $result.RecommendedAction | Should -Match 'Add-EckTransportTrust'

        $trust = $LocalCa | Add-EckTransportTrust @Eck -Wait
        $trust.ConfigMapChange | Should -Be 'Updated'
        $trust.SpecChanged | Should -BeFalse
        $kept = kubectl get configmap quickstart-remote-transport-ca -n elastic -o 'jsonpath={.data.ca\.crt}'
        ($kept -join "`n") | Should -Match ([regex]::Escape(($otherPem -split "`n")[1])) -Because 'the CA already in the ConfigMap stays'
        Wait-SandboxSettled
        (Test-HandRegistered -Alias cert-back -Address $Endpoint.ProxyAddress).Connected | Should -BeTrue
        (Test-RemoteCluster -Connection $Local -Alias eck-cert -SearchIndex 'logs-*').SearchHits | Should -Be 2
    }
}

Describe 'The certificate model from PEM-configured nodes' {
    BeforeAll {
        Initialize-CertificateModel
        # Move every node from transport.p12 to PEM files, as elasticsearch-certutil --pem would have laid it out.
        foreach ($node in $Nodes) {
            $password = [Net.NetworkCredential]::new('', (Get-ElasticsearchKeystore -ConfigPath $node -Name 'xpack.security.transport.ssl.keystore.secure_password').Value).Password
            $store = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
            $store.Import("$node/certs/transport.p12", $password, 'Exportable')
            $leaf = $store | Where-Object HasPrivateKey
            $ca = $store | Where-Object { -not $_.HasPrivateKey -and $_.Thumbprint -eq $LocalCa.Certificates[0].Thumbprint }
            Set-Content "$node/certs/transport.crt" $leaf.ExportCertificatePem()
            Set-Content "$node/certs/transport.key" ([Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($leaf).ExportPkcs8PrivateKeyPem())
            Set-Content "$node/certs/transport-ca.crt" $ca.ExportCertificatePem()
            $yml = (Get-Content "$node/elasticsearch.yml" -Raw) -replace '(?m)^  keystore\.path: certs/transport\.p12\r?\n  truststore\.path: certs/transport\.p12',
                "  certificate: certs/transport.crt`n  key: certs/transport.key`n  certificate_authorities: [ `"certs/transport-ca.crt`" ]"
            Set-Content "$node/elasticsearch.yml" $yml -NoNewline
            Restart-LocalNode $node
        }
        Disconnect-RemoteCluster -Connection $Local -Alias eck-cert -Force | Out-Null
    }

    It 'reads the local transport CA from certificate_authorities' {
        $ca = Get-ElasticsearchTransportCa $Nodes[0]
        $ca.Source | Should -BeLike '*transport-ca.crt'
        $ca.Sha256Fingerprint | Should -Be $LocalCa.Sha256Fingerprint
    }

    It 'adds the ECK CA next to the listed one, and connects after the restart' {
        (Get-ElasticsearchTransportCa $Nodes[0] | Add-EckTransportTrust @Eck).ConfigMapChange | Should -Be 'Unchanged'
        $trust = $EckCa | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes -WarningAction SilentlyContinue
        $trust.CaFileChange | Should -Be @('Created', 'Created')
        $trust.RestartRequired | Should -Be @($true, $true)
        (Get-ElasticsearchNodeConfig $Nodes[0]).TransportCertificateAuthorities | Should -Be @('certs/transport-ca.crt', 'remote-transport-ca.crt')
        $Nodes | ForEach-Object { Restart-LocalNode $_ }

        ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck-cert).SecurityModel | Should -Be 'Certificate'
        (Test-RemoteCluster -Connection $Local -Alias eck-cert -SearchIndex 'logs-*').SearchHits | Should -Be 2
        ($EckCa | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes).RestartRequired | Should -Be @($false, $false)
    }
}

Describe 'Move-RemoteClusterToApiKey' {
    BeforeAll {
        # eck-cert connected with the certificate model, unless an earlier run of this Describe already moved it.
        if ((Get-RemoteCluster -Connection $Local -Alias eck-cert -ErrorAction SilentlyContinue).SecurityModel -ne 'ApiKey') { Initialize-CertificateModel }
    }

    It 'changes nothing under -WhatIf' {
        $before = Get-NodeFileSnapshot $Nodes
        Clear-RequestLog
        Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -WhatIf | Out-Null
        @(Get-RequestLog -Mutating) | Should -BeNullOrEmpty
        Get-NodeFileSnapshot $Nodes | Should -Be $before
        (Get-RemoteCluster -Connection $Local -Alias eck-cert).SecurityModel | Should -Be 'Certificate'
    }

    It 'prepares while the certificate-model connection keeps working, then moves to the API-key model' {
        $first = Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -Force -WarningAction SilentlyContinue
        $first.State | Should -Be 'RestartRequired'
        $first.RestartRequired | Should -Be $Nodes
        $Nodes | ForEach-Object { Restart-LocalNode $_ }
        (Test-RemoteCluster -Connection $Local -Alias eck-cert -SearchIndex 'logs-*').SearchHits | Should -Be 2 -Because 'the certificate model still works'

        $moved = Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -Force
        $moved.State | Should -Be 'Migrated'
        $moved.SecurityModel | Should -Be 'ApiKey'
        $moved.ProxyAddress | Should -Match ':9443$'
        $moved.SearchHits | Should -Be 2
        $moved.ApiKeyId | Should -Not -BeNullOrEmpty
        $test = Test-RemoteCluster -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*'
        $test.Connected | Should -BeTrue
        $test.SecurityModel | Should -Be 'ApiKey'
        $test.NodeCredentials.Present | Should -Be @($true, $true)
    }

    Context 'once moved' {
        BeforeAll {
            $moved = Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -Force -WarningAction SilentlyContinue
            if ($moved.State -eq 'RestartRequired') {
                $moved.RestartRequired | ForEach-Object { Restart-LocalNode $_ }
                Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -Force | Out-Null
            }
        }

        It 'changes nothing when run again' {
            $before = Get-NodeFileSnapshot $Nodes
            Clear-RequestLog
            (Move-RemoteClusterToApiKey @Eck -Connection $Local -Alias eck-cert -ConfigPath $Nodes -SearchIndex 'logs-*' -Force).State | Should -Be 'AlreadyMigrated'
            @(Get-RequestLog -Mutating) | Should -BeNullOrEmpty
            Get-NodeFileSnapshot $Nodes | Should -Be $before
        }
    }
}

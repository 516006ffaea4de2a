# Add-RemoteClusterCredential, Add-RemoteClusterTrust and Get-ElasticsearchKeystore against node config directories
# on disk. The keystores are fixtures written by Java's own crypto (tests/EckRemoteCluster.Tests/NodeConfig/Fixtures),
# an implementation independent of the module's.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Fixtures = Join-Path (Get-RepositoryRoot) 'tests' 'EckRemoteCluster.Tests' 'NodeConfig' 'Fixtures'
    $script:FixturePassword = ConvertTo-SecureString 'Pässwörd-123' -AsPlainText -Force
    $script:Yml = @'
# ======================== Elasticsearch Configuration =========================
#
# ---------------------------------- Cluster -----------------------------------
cluster.name: local
node.name: NODE
path.data: /var/lib/elasticsearch
#----------------------- BEGIN SECURITY AUTO CONFIGURATION -----------------------
xpack.security.enabled: true
xpack.security.transport.ssl:
  enabled: true
  verification_mode: certificate
  keystore.path: certs/transport.p12
  truststore.path: certs/transport.p12
http.host: 0.0.0.0
#----------------------- END SECURITY AUTO CONFIGURATION -------------------------
'@

    function New-Node([string] $Name, [string] $Keystore = 'v6-nopassword.keystore') {
        $path = Join-Path $TestDrive $Name
        New-Item -ItemType Directory $path -Force | Out-Null
        Set-Content (Join-Path $path 'elasticsearch.yml') ($Yml -creplace 'NODE', $Name) -NoNewline
        Copy-Item (Join-Path $Fixtures $Keystore) (Join-Path $path 'elasticsearch.keystore')
        $path
    }

    function New-TestCa([int] $Days = 365, [bool] $IsCa = $true) {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=test-transport-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($IsCa, $false, 0, $true))
        $notBefore = [DateTimeOffset]::UtcNow.AddDays([math]::Min(-1, $Days - 2))
        $request.CreateSelfSigned($notBefore, [DateTimeOffset]::UtcNow.AddDays($Days))
    }

    $script:Key = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
}

Describe 'Get-ElasticsearchKeystore' {
    It 'reads every entry of a keystore written by Java, version <_>' -ForEach 3, 4, 5, 6 {
        $path = Join-Path $TestDrive "read$_"
        New-Item -ItemType Directory $path -Force | Out-Null
        Copy-Item (Join-Path $Fixtures "v$_-nopassword.keystore") (Join-Path $path 'elasticsearch.keystore')
        $entries = Get-ElasticsearchKeystore -ConfigPath $path
        $entries.Name | Should -Contain 'keystore.seed'
        $entries.Name | Should -Contain 'cluster.remote.eck1.credentials'
        $entries[0].KeystoreVersion | Should -Be $_
        $entries[0].Value | Should -BeOfType ([securestring])
    }

    It 'filters by name with wildcards and decrypts with the password' {
        $entries = Get-ElasticsearchKeystore -Path (Join-Path $Fixtures 'v6-password.keystore') -KeystorePassword $FixturePassword -Name 'cluster.remote.*'
        $entries.Name | Should -Be 'cluster.remote.eck1.credentials'
        $entries.PasswordProtected | Should -BeTrue
        [System.Net.NetworkCredential]::new('', $entries.Value).Password | Should -Be 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=='
    }

    It 'fails with KeystorePasswordIncorrect on a wrong password' {
        { Get-ElasticsearchKeystore -Path (Join-Path $Fixtures 'v6-password.keystore') -KeystorePassword (ConvertTo-SecureString 'wrong' -AsPlainText -Force) -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordIncorrect,EckRemoteCluster.Commands.GetElasticsearchKeystoreCommand'
    }

    It 'fails with KeystoreCorrupted on a damaged file' {
        $bytes = [IO.File]::ReadAllBytes((Join-Path $Fixtures 'v6-nopassword.keystore'))
        $bytes[60] = $bytes[60] -bxor 0xFF
        $damaged = Join-Path $TestDrive 'damaged.keystore'
        [IO.File]::WriteAllBytes($damaged, $bytes)
        { Get-ElasticsearchKeystore -Path $damaged -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystoreCorrupted,EckRemoteCluster.Commands.GetElasticsearchKeystoreCommand'
    }

    It 'does not show values in its formatted output' {
        $text = Get-ElasticsearchKeystore -Path (Join-Path $Fixtures 'v6-nopassword.keystore') | Out-String
        $text | Should -Match 'cluster.remote.eck1.credentials'
        $text | Should -Not -Match 'VnVhQ2ZH'
    }
}

Describe 'Add-RemoteClusterCredential' {
    It 'writes the credential into every node, keeping every other entry, with a backup' {
        $nodes = (New-Node 'c1'), (New-Node 'c2' 'v5-nopassword.keystore')
        $before = $nodes | ForEach-Object { Get-ElasticsearchKeystore -ConfigPath $_ | Where-Object Name -ne 'cluster.remote.prod.credentials' |
            ForEach-Object { "$($_.Name)=$([System.Net.NetworkCredential]::new('', $_.Value).Password)" } }
        $results = Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $nodes
        $results.Change | Should -Be @('Added', 'Added')
        $results.BackupPath | ForEach-Object { $_ | Should -Exist }
        $after = $nodes | ForEach-Object { Get-ElasticsearchKeystore -ConfigPath $_ | Where-Object Name -ne 'cluster.remote.prod.credentials' |
            ForEach-Object { "$($_.Name)=$([System.Net.NetworkCredential]::new('', $_.Value).Password)" } }
        $after | Should -Be $before
        foreach ($node in $nodes) {
            $entry = Get-ElasticsearchKeystore -ConfigPath $node -Name 'cluster.remote.prod.credentials'
            [System.Net.NetworkCredential]::new('', $entry.Value).Password | Should -Be ([System.Net.NetworkCredential]::new('', $Key).Password)
        }
        (Get-ElasticsearchKeystore -ConfigPath $nodes[1])[0].KeystoreVersion | Should -Be 5 -Because 'the file keeps its own format version'
    }

    It 'changes nothing the second time' {
        $node = New-Node 'again'
        Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node | Out-Null
        $snapshot = Get-NodeFileSnapshot $node
        (Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node).Change | Should -Be 'Unchanged'
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'takes the key from an object with an EncodedKey property through the pipeline' {
        $node = New-Node 'piped'
        $apiKey = [pscustomobject]@{ EncodedKey = $Key; Alias = 'piped-alias' }
        ($apiKey | Add-RemoteClusterCredential -ConfigPath $node).SettingName | Should -Be 'cluster.remote.piped-alias.credentials'
    }

    It 'writes nothing under -WhatIf' {
        $node = New-Node 'whatif'
        $snapshot = Get-NodeFileSnapshot $node
        Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node -WhatIf
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'changes no node when one keystore has a different password' {
        $nodes = (New-Node 'mixed1'), (New-Node 'mixed2' 'v6-password.keystore')
        $snapshot = Get-NodeFileSnapshot $nodes
        { Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $nodes -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordRequired,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        Get-NodeFileSnapshot $nodes | Should -Be $snapshot
    }

    It 'changes no node when one config path does not exist' {
        $node = New-Node 'lonely'
        $snapshot = Get-NodeFileSnapshot $node
        Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node, (Join-Path $TestDrive 'absent') -ErrorAction SilentlyContinue -ErrorVariable errors
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'rejects an alias Elasticsearch would reject: <_>' -ForEach 'a.b', 'a:b', 'with space' {
        $node = New-Node "alias$([array]::IndexOf(@('a.b', 'a:b', 'with space'), $_))"
        $snapshot = Get-NodeFileSnapshot $node
        { Add-RemoteClusterCredential -Alias $_ -ApiKey $Key -ConfigPath $node -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRemoteClusterAlias,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'refuses a plain-text key' {
        { Add-RemoteClusterCredential -Alias prod -ApiKey 'plain' -ConfigPath (New-Node 'plain') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
    }

    It 'never shows the key in any stream or transcript' {
        $node = New-Node 'secret'
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -Path $transcript | Out-Null
        try {
            $all = Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node -Verbose -Debug *>&1 | Out-String
            $all += Add-RemoteClusterCredential -Alias prod -ApiKey $Key -ConfigPath $node, (Join-Path $TestDrive 'nowhere') -Verbose *>&1 | Out-String
            $all | Out-Host
        }
        finally { Stop-Transcript | Out-Null }
        $plain = [System.Net.NetworkCredential]::new('', $Key).Password
        $all | Should -Not -Match ([regex]::Escape($plain))
        Get-Content $transcript -Raw | Should -Not -Match ([regex]::Escape($plain))
    }
}

Describe 'Add-RemoteClusterTrust' {
    BeforeAll {
        $script:Ca = New-TestCa
        $script:CaFile = Join-Path $TestDrive 'ca.crt'
        Set-Content $CaFile $Ca.ExportCertificatePem()
    }

    It 'writes the CA file and the settings, keeping comments, order and the auto-configuration block' {
        $nodes = (New-Node 't1'), (New-Node 't2')
        $results = Add-RemoteClusterTrust -CertificateAuthority $CaFile -ConfigPath $nodes -WarningVariable warnings -WarningAction SilentlyContinue
        $results.RestartRequired | Should -Be @($true, $true)
        $warnings.Count | Should -Be 2
        foreach ($node in $nodes) {
            Join-Path $node 'remote-cluster-ca.crt' | Should -Exist
            $text = Get-Content (Join-Path $node 'elasticsearch.yml') -Raw
            $original = $Yml -creplace 'NODE', (Split-Path $node -Leaf)
            $text.StartsWith($original) | Should -BeTrue -Because 'everything before the added settings is kept as it was'
            $config = Get-ElasticsearchNodeConfig $node
            $config.RemoteClusterClientSslEnabled | Should -BeTrue
            $config.RemoteClusterClientCertificateAuthorities | Should -Be @('remote-cluster-ca.crt')
            $config.Settings['xpack.security.transport.ssl.keystore.path'] | Should -Be 'certs/transport.p12'
        }
    }

    It 'changes nothing the second time, and needs no restart' {
        $node = New-Node 'trust-again'
        Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $node -WarningAction SilentlyContinue | Out-Null
        $snapshot = Get-NodeFileSnapshot $node
        $second = Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $node
        $second.CaFileChange | Should -Be 'Unchanged'
        $second.RestartRequired | Should -BeFalse
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'needs no restart when only the CA content changes (rotation)' {
        $node = New-Node 'rotation'
        Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $node -WarningAction SilentlyContinue | Out-Null
        $rotated = Add-RemoteClusterTrust -CertificateAuthority (New-TestCa) -ConfigPath $node
        $rotated.CaFileChange | Should -Be 'Updated'
        $rotated.RestartRequired | Should -BeFalse
    }

    It 'keeps CAs the node already trusts' {
        $node = New-Node 'other-cas'
        Add-Content (Join-Path $node 'elasticsearch.yml') "`nxpack.security.remote_cluster_client.ssl.certificate_authorities: [ `"other-ca.crt`" ]"
        Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $node -WarningAction SilentlyContinue | Out-Null
        (Get-ElasticsearchNodeConfig $node).RemoteClusterClientCertificateAuthorities | Should -Be @('other-ca.crt', 'remote-cluster-ca.crt')
    }

    It 'writes nothing under -WhatIf' {
        $node = New-Node 'trust-whatif'
        $snapshot = Get-NodeFileSnapshot $node
        Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $node -WhatIf
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'refuses an expired CA and writes nothing' {
        $node = New-Node 'expired'
        $snapshot = Get-NodeFileSnapshot $node
        { Add-RemoteClusterTrust -CertificateAuthority (New-TestCa -Days -1) -ConfigPath $node -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateAuthorityExpired,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
        Get-NodeFileSnapshot $node | Should -Be $snapshot
    }

    It 'refuses a certificate that is not a CA' {
        { Add-RemoteClusterTrust -CertificateAuthority (New-TestCa -IsCa $false) -ConfigPath (New-Node 'leaf') -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotACertificateAuthority,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }

    It 'refuses PEM that is not a certificate' {
        $bad = Join-Path $TestDrive 'not-a-cert.pem'
        Set-Content $bad "-----BEGIN PRIVATE KEY-----`nAAAA`n-----END PRIVATE KEY-----"
        { Add-RemoteClusterTrust -CertificateAuthority $bad -ConfigPath (New-Node 'badpem') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCertificate,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }

    It 'changes no node when one elasticsearch.yml is invalid' {
        $good = New-Node 'good-yml'
        $bad = New-Node 'bad-yml'
        Set-Content (Join-Path $bad 'elasticsearch.yml') "cluster.name: [unclosed"
        $snapshot = Get-NodeFileSnapshot $good, $bad
        { Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $good, $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'ElasticsearchYmlInvalid,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
        Get-NodeFileSnapshot $good, $bad | Should -Be $snapshot
    }

    It 'refuses a directory that is not an Elasticsearch config directory' {
        { Add-RemoteClusterTrust -CertificateAuthority $Ca -ConfigPath $TestDrive -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAnElasticsearchConfigDirectory,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }
}

# Default views: readable at 80 and 120 columns (no column dropped, one line per object where the view promises it),
# Test-RemoteCluster's table and list, an ECK change without -Wait that does not claim Ready, plain http:// refused.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{ '*-Eck*:KubeConfig' = $Sandbox.kubeconfig; '*-Eck*:Namespace' = 'elastic' }

    function Get-ViewLabels([string] $TypeName) {
        $view = (Get-FormatData -TypeName $TypeName).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
        $view.Control.Headers.Label
    }
    function Format-AtWidth($InputObject, [int] $Width, [switch] $List) {
        $text = if ($List) { $InputObject | Format-List | Out-String -Width $Width } else { $InputObject | Format-Table | Out-String -Width $Width }
        @($text -split "`r?`n" | Where-Object { $_.Trim() })
    }
    $script:Healthy = [EckRemoteCluster.RemoteClusterTestResult]::new('prod-eck', $true, 'proxy', '10.0.0.7:9443', 'quickstart-es-remote-cluster.elastic.svc',
        [EckRemoteCluster.RemoteClusterSecurityModel]::ApiKey, '9.1.0', $null, $null, $null, [EckRemoteCluster.NodeCredentialCheck[]] @(), 'prod-eck:logs-*', 3, [string[]] @('{"message":"hello"}'))
    $script:Broken = [EckRemoteCluster.RemoteClusterTestResult]::new('staging-eck', $false, 'proxy', '10.0.0.8:9443', 'staging-es-remote-cluster.elastic.svc',
        [EckRemoteCluster.RemoteClusterSecurityModel]::ApiKey, $null, 'RemoteCaNotTrusted', 'PKIX path building failed: unable to find valid certification path to requested target',
        'Save the ECK CA with Get-EckTransportCa. Then trust it on every node with Add-RemoteClusterTrust and restart the nodes that report RestartRequired.',
        [EckRemoteCluster.NodeCredentialCheck[]] @([EckRemoteCluster.NodeCredentialCheck]::new('/etc/es1', $true, $true), [EckRemoteCluster.NodeCredentialCheck]::new('/etc/es2', $false, $false)))
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Test-RemoteCluster output' {
    It 'shows one line per remote with SearchHits and the first sentence of the recommendation at <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = Format-AtWidth @($Healthy, $Broken) $width
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $width }
        $lines[0] | Should -Match '^Alias\s+Connected\s+SearchHits\s+Cause\s+Recommendation'
        $lines.Count | Should -Be 4 -Because 'header, rule and one line per remote'
        $lines[2] | Should -Match '^prod-eck\s+True\s+3\b'
        $lines[3] | Should -Match '^staging-eck\s+False\s+RemoteCaNotTrusted\s+Save the'
        $lines[3] | Should -Not -Match 'Add-RemoteClusterTrust' -Because 'the table shows the first sentence only'
    }

    It 'shows everything in the list view: evidence, whole recommendation, each node''s credential, sample documents' {
        $text = (Format-AtWidth $Broken 120 -List) -join "`n"
        $text | Should -Match 'Evidence\s+: PKIX path building failed'
        $text | Should -Match 'Add-RemoteClusterTrust'
        $text | Should -Match '/etc/es2: missing'
        (Format-AtWidth $Healthy 120 -List) -join "`n" | Should -Match 'SampleDocuments\s+: \{"message":"hello"\}'
    }
}

Describe 'ECK views' {
    It 'keeps every column of the EckCluster table at <_> columns' -ForEach 80, 120 {
        $cluster = Get-EckCluster -Name quickstart
        $header = (Format-AtWidth $cluster $_)[0]
        foreach ($label in Get-ViewLabels 'EckRemoteCluster.EckCluster') { $header | Should -Match "\b$label\b" }
    }

    It 'does not claim Ready right after a change made without -Wait' {
        $enabled = Get-EckCluster -Name quickstart | Enable-EckRemoteClusterServer -Force
        $enabled.Phase | Should -Not -Be 'Ready'
        $enabled.IsReady | Should -BeFalse
        $null = $enabled | Wait-EckCluster
        $disabled = Get-EckCluster -Name quickstart | Disable-EckRemoteClusterServer -Force
        $disabled.Phase | Should -Be 'ApplyingChanges'
        (Format-AtWidth $disabled 120)[2] | Should -Not -Match '\bReady\b'
        ($disabled | Wait-EckCluster).Phase | Should -Be 'Ready'
    }
}

Describe 'New-ElasticsearchConnection with a plain http:// URI' {
    It 'refuses it with PlainHttpElasticsearchUri before sending anything' {
        Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/requests' | Out-Null
        $credential = [pscredential]::new('elastic', (ConvertTo-SecureString 'not-sent' -AsPlainText -Force))
        $uri = ([uri] @($Sandbox.localCluster.nodes.httpUri)[0])
        $error1 = { New-ElasticsearchConnection -Uri "http://$($uri.Authority)" -Credential $credential -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -PassThru
        $error1.FullyQualifiedErrorId | Should -BeLike 'PlainHttpElasticsearchUri,*'
        $error1.ErrorDetails.RecommendedAction | Should -Match "https://$([regex]::Escape($uri.Authority))"
        @(Invoke-SandboxControl -Sandbox $Sandbox -Path '/requests' | ForEach-Object { $_ } | Where-Object { $_.path -notlike '/api*' -and $_.path -notlike '/apis*' }) | Should -BeNullOrEmpty
    }
}

# Runbooks: the documented pipelines run under pwsh -NonInteractive without a prompt; a confirmation that cannot be
# shown stops the cmdlet with ConfirmationRequired before anything changes; Test-RemoteCluster -Quiet answers with a
# Boolean and -ErrorIfNotConnected fails a runbook with the cause.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $script:SandboxJson = Join-Path $Sandbox.StateDirectory 'sandbox.json'
    $script:Root = Get-RepositoryRoot

    # Runs a script in pwsh -NonInteractive with no standard input, as a scheduler does; returns exit code and output.
    function Invoke-NonInteractive([string] $Script) {
        $file = Join-Path $TestDrive "runbook-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -Path $file -Value "`$PSStyle.OutputRendering = 'PlainText'`n$Script"
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    }

    $script:LocalSetup = @"
`$sandbox = Get-Content '$SandboxJson' -Raw | ConvertFrom-Json
Import-Module '$(Get-BuiltModuleManifest)'
`$env:KUBECONFIG = `$sandbox.kubeconfig
`$credential = [pscredential]::new(`$sandbox.localCluster.username, (ConvertTo-SecureString `$sandbox.localCluster.elasticPassword -AsPlainText -Force))
`$local = New-ElasticsearchConnection -Uri `$sandbox.localCluster.nodes.httpUri -Credential `$credential -CertificateAuthority `$sandbox.localCluster.httpCaPath
"@
    # The README's pipeline, as ./build.ps1 Demo runs it, under -NonInteractive: it sets up the remote 'eck' for the tests below.
    $script:Demo = Invoke-NonInteractive @"
`$sandbox = Get-Content '$SandboxJson' -Raw | ConvertFrom-Json
& '$(Join-Path $Root 'docs' 'examples' 'Connect-SelfManagedToEck.Demo.ps1')' -Sandbox `$sandbox -ModuleManifest '$(Get-BuiltModuleManifest)'
"@
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Documented pipelines under pwsh -NonInteractive' {
    It 'runs the API-key workflow to a connected remote without a prompt' {
        $Demo.Output | Should -Not -Match 'Read and Prompt'
        $Demo.ExitCode | Should -Be 0 -Because $Demo.Output
        $Demo.Output | Should -Match 'Connected: the self-managed cluster searched'
    }

    It 'runs the README runbook (a new key, reloaded, verified, the old one revoked) and ends healthy' {
        $run = Invoke-NonInteractive @"
$LocalSetup
& '$(Join-Path $Root 'docs' 'examples' 'Update-RemoteClusterKey.Runbook.ps1')' -Namespace elastic -Name quickstart ``
    -LocalUri `$sandbox.localCluster.nodes.httpUri -LocalCredential `$credential -CertificateAuthority `$sandbox.localCluster.httpCaPath ``
    -ConfigPath `$sandbox.localCluster.nodes.configDir -Alias eck -SearchIndex 'logs-*' -Module '$(Get-BuiltModuleManifest)' |
    ForEach-Object { "RESULT `$(`$_.Connected) `$(`$_.SearchHits)" }
"@
        $run.Output | Should -Not -Match 'Read and Prompt'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'RESULT True 3'
    }
}

Describe 'Confirmation under -NonInteractive' {
    It 'stops a High-impact change without -Force with the terminating error ConfirmationRequired, and changes nothing' {
        Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/requests' | Out-Null
        $run = Invoke-NonInteractive @"
`$sandbox = Get-Content '$SandboxJson' -Raw | ConvertFrom-Json
Import-Module '$(Get-BuiltModuleManifest)'
try {
    # Two records: the cmdlet must stop at the first, not go on to the second.
    Get-EckCluster -Namespace elastic -Name quickstart, quickstart -KubeConfig `$sandbox.kubeconfig | Disable-EckRemoteClusterServer
    'NOT STOPPED'
}
catch {
    "CAUGHT `$(`$_.FullyQualifiedErrorId)"
    "ACTION `$(`$_.ErrorDetails.RecommendedAction)"
}
"@
        $run.Output | Should -Match 'CAUGHT ConfirmationRequired,EckRemoteCluster\.Commands\.DisableEckRemoteClusterServerCommand'
        $run.Output | Should -Match 'ACTION .*-Force'
        $run.Output | Should -Not -Match 'NOT STOPPED'
        $run.Output | Should -Not -Match 'Read and Prompt'
        @(Get-RequestLog -Mutating) | Should -BeNullOrEmpty
    }

    It 'goes ahead with -Force: nothing to ask' {
        $run = Invoke-NonInteractive @"
`$sandbox = Get-Content '$SandboxJson' -Raw | ConvertFrom-Json
Import-Module '$(Get-BuiltModuleManifest)'
`$ErrorActionPreference = 'Stop'
Get-EckCluster -Namespace elastic -Name quickstart -KubeConfig `$sandbox.kubeconfig | Enable-EckRemoteClusterServer -Force -WhatIf
'DONE'
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'DONE'
    }
}

Describe 'Test-RemoteCluster in runbooks' {
    BeforeAll {
        # A second remote that cannot connect: nothing listens on its address.
        $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
        $script:Local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
        $null = $Local | Invoke-ElasticsearchRequest PUT /_cluster/settings @{ persistent = @{ 'cluster.remote.broken.mode' = 'proxy'; 'cluster.remote.broken.proxy_address' = '127.0.0.1:1' } } -Confirm:$false
    }

    It '-Quiet returns $true for a healthy remote and $false for a broken one, and nothing else' {
        $healthy = @(Test-RemoteCluster -Connection $Local -Alias eck -Quiet)
        $broken = @(Test-RemoteCluster -Connection $Local -Alias broken -Quiet)
        $healthy.Count | Should -Be 1
        $healthy[0] | Should -BeOfType ([bool])
        $healthy[0] | Should -BeTrue
        $broken.Count | Should -Be 1
        $broken[0] | Should -BeFalse
        Test-RemoteCluster -Connection $Local -Alias eck, broken -Quiet | Should -BeFalse
    }

    It '-ErrorIfNotConnected fails a runbook with the cause and what to do' {
        $run = Invoke-NonInteractive @"
$LocalSetup
`$ErrorActionPreference = 'Stop'
try { Test-RemoteCluster -Connection `$local -Alias broken -ErrorIfNotConnected | Out-Null; 'NOT STOPPED' }
catch { "CAUGHT `$(`$_.FullyQualifiedErrorId)"; "MESSAGE `$(`$_.Exception.Message)"; "ACTION `$(`$_.ErrorDetails.RecommendedAction)" }
"@
        $run.Output | Should -Match 'CAUGHT RemoteClusterNotConnected,'
        $run.Output | Should -Match "MESSAGE Remote cluster 'broken' is not healthy: \w+"
        $run.Output | Should -Match 'ACTION \S+'
        $run.Output | Should -Not -Match 'NOT STOPPED'
    }

    It '-ErrorIfNotConnected writes no error for a healthy remote' {
        $errors = $null
        $result = Test-RemoteCluster -Connection $Local -Alias eck -ErrorIfNotConnected -ErrorVariable errors
        $result.Connected | Should -BeTrue
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'Default views of the workflow''s objects' {
    BeforeAll {
        $credential = [pscredential]::new($Sandbox.localCluster.username, (ConvertTo-SecureString $Sandbox.localCluster.elasticPassword -AsPlainText -Force))
        $local = New-ElasticsearchConnection -Uri $Sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $Sandbox.localCluster.httpCaPath
        $eck = Get-EckCluster -Namespace elastic -Name quickstart -KubeConfig $Sandbox.kubeconfig
        $configs = @($Sandbox.localCluster.nodes.configDir)
        $script:Objects = @(
            $local
            $eck
            $eck | Get-EckRemoteClusterEndpoint
            $eck | Get-EckTransportCa
            Get-RemoteCluster -Connection $local
            Get-CrossClusterApiKey -RemoteConnection ($eck | New-ElasticsearchConnection)
            Get-ElasticsearchKeystore -ConfigPath $configs
            Get-ElasticsearchNodeConfig -ConfigPath $configs
        ) | Where-Object { $_ }
    }

    It 'keeps every column of each table view at <_> columns' -ForEach 80, 120 {
        $width = $_
        foreach ($group in $Objects | Group-Object { $_.GetType().FullName }) {
            $view = (Get-FormatData -TypeName $group.Name).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
            if (-not $view) { continue }
            # The header is the line above the first rule of dashes (a grouped view starts with its group line).
            $lines = @(($group.Group | Format-Table | Out-String -Width $width) -split "`r?`n" | Where-Object { $_.Trim() })
            $rule = @(0..($lines.Count - 1) | Where-Object { $lines[$_] -match '^\s*-+(\s+-+)*\s*$' })[0]
            $header = $lines[$rule - 1]
            foreach ($label in $view.Control.Headers.Label) {
                $header | Should -Match "(^|\s)$([regex]::Escape($label))(\s|$)" -Because "$($group.Name) shows $label at $width columns"
            }
        }
    }
}

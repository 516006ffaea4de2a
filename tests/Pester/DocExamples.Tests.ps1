# The documented examples are what people paste into runbooks, so each is read from the docs themselves (README,
# every help page's EXAMPLES, about_EckRemoteCluster, docs/examples; DocExamples.psm1) and:
#  - checked without running it: it parses, every command and parameter it names exists, each call of this module's
#    cmdlets resolves a parameter set with what it gives and what is piped in, it reads only variables it sets or that
#    the runner gives, and a runbook gives -Force or -Confirm:$false to every ConfirmImpact High cmdlet;
#  - run, unless listed in $NotRun below with the reason, in one `pwsh -NonInteractive` whose standard input is a pipe
#    of its own, against one sandbox, with the placeholders (es1, \\es1\config, ./http_ca.crt, Get-Credential...) bound
#    to the sandbox by the mapping in DocExamples.psm1 and DocExamples.Runner.ps1.
# A broken example (a renamed parameter, a prompt under -NonInteractive, an error) fails with its file and line.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DocExamples.psm1') -Force
    $examples = @(Get-DocumentedExample -Root (Get-RepositoryRoot))

    # Examples not run here, each found by its file and a piece of its code, with the reason. Each must match one example.
    $notRun = @(
        @{ File = 'docs/en-US/Restart-ElasticsearchNode.md'; Code = 'New-PSSession -ComputerName'; Reason = 'WinRM sessions (-ComputerName) need Windows remoting; the sandbox''s nodes are reached over SSH' }
        @{ File = 'docs/en-US/Restart-ElasticsearchNode.md'; Code = 'Restart-Service elasticsearch-service-x64'; Reason = 'restarts a Windows service through WinRM (Invoke-Command -ComputerName)' }
        @{ File = 'docs/en-US/Watch-RemoteCluster.md'; Code = '-ConfigPath \\es1\config'; Reason = 'runs until Ctrl+C; Pester RemoteClusterHealth runs Watch-RemoteCluster in a PowerShell of its own and stops it' }
        @{ File = 'docs/en-US/Watch-RemoteCluster.md'; Code = 'Add-Content ./remote-cluster-changes.jsonl'; Reason = 'runs until Ctrl+C (see Pester RemoteClusterHealth)' }
        @{ File = 'docs/en-US/Watch-RemoteCluster.md'; Code = 'Send-MailMessage'; Reason = 'runs until Ctrl+C and sends mail through an SMTP server' }
        @{ File = 'docs/en-US/Add-RemoteClusterCredential.md'; Code = 'Read-Host -AsSecureString'; Reason = 'asks a person for the key (Read-Host), which -NonInteractive refuses: the interactive form of -ApiKey' }
        @{ File = 'docs/en-US/Get-ElasticsearchKeystore.md'; Code = 'Read-Host -AsSecureString'; Reason = 'asks a person for the keystore password (Read-Host), which -NonInteractive refuses' }
        @{ File = 'README.md'; Code = 'Get-ElasticsearchTransportCa -ConfigPath'; Reason = 'the deprecated certificate model (port 9300) needs transport trust on both sides and the nodes restarted with it; Pester CertificateModel runs that path' }
        @{ File = 'docs/en-US/Publish-EckTransport.md'; Code = 'Connect-RemoteCluster -Connection $local -Alias eck'; Reason = 'registers a remote in the certificate model (see Pester CertificateModel)' }
        @{ File = 'docs/en-US/Move-RemoteClusterToApiKey.md'; Code = '-Force'; Reason = 'needs a remote registered in the certificate model; Pester MoveMixedKeystores and CertificateModel run the move' }
        @{ File = 'docs/en-US/Move-RemoteClusterToApiKey.md'; Code = '-WhatIf'; Reason = 'needs a remote registered in the certificate model (see Pester MoveMixedKeystores)' }
        @{ File = 'docs/examples/Connect-SelfManagedToEck.Demo.ps1'; Code = 'param('; Reason = 'run in full under -NonInteractive by Pester Runbook (and by ./build.ps1 Demo)' }
        @{ File = 'docs/examples/Update-RemoteClusterKey.Runbook.ps1'; Code = 'param('; Reason = 'run in full under -NonInteractive by Pester Runbook' }
    )
    # The order of the run: the README's main pipeline first (it links the sandbox's clusters as prod-eck), the export
    # that writes ./estate.yaml before the examples that read it, then the rest in the order of the docs, and last
    # the examples that take the link down, in this order.
    $first = @(
        @{ File = 'README.md'; Code = 'Publish-EckRemoteClusterServer -Type LoadBalancer |' }
        @{ File = 'docs/en-US/Export-RemoteClusterEstate.md'; Code = 'Export-RemoteClusterEstate -Path ./estate.yaml' }
    )
    $last = @(
        @{ File = 'docs/en-US/Add-RemoteClusterTrust.md'; Code = '-SecurityModel Certificate' }
        @{ File = 'docs/en-US/Revoke-CrossClusterApiKey.md'; Code = 'Revoke-CrossClusterApiKey' }
        @{ File = 'docs/en-US/Disconnect-RemoteCluster.md'; Code = '-RevokeApiKey' }
        @{ File = 'docs/en-US/Disconnect-RemoteCluster.md'; Code = 'Where-Object { -not $_.Connected }' }
        @{ File = 'docs/en-US/Unpublish-EckRemoteClusterServer.md'; Code = 'Unpublish-EckRemoteClusterServer' }
        @{ File = 'docs/en-US/Unpublish-EckTransport.md'; Code = 'Unpublish-EckTransport' }
        @{ File = 'docs/en-US/Disable-EckRemoteClusterServer.md'; Code = 'Disable-EckRemoteClusterServer' }
    )
    function Find-Example($Entry) { @($examples | Where-Object { $_.File -eq $Entry.File -and $_.Code.Contains($Entry.Code) }) }

    $excluded = foreach ($entry in $notRun) { Find-Example $entry | ForEach-Object { $_ | Add-Member -NotePropertyName Reason -NotePropertyValue $entry.Reason -PassThru -Force } }
    $rest = @($examples | Where-Object { $_.Id -notin $excluded.Id })
    $ordered = @(foreach ($entry in $first) { Find-Example $entry }) +
        @($rest | Where-Object { $_.Id -notin @(foreach ($entry in $first + $last) { Find-Example $entry }).Id }) +
        @(foreach ($entry in $last) { Find-Example $entry })
    $run = @($ordered | Where-Object { $_.Id -in $rest.Id })
    $entries = @($notRun + $first + $last | ForEach-Object { @{ File = $_.File; Code = $_.Code; Count = @(Find-Example $_).Count } })
    # Discovery's variables reach the tests only as data.
    # The files the first examples write (./estate.yaml) are there for the examples after them; each other example's are its own.
    $data = @{ Examples = $examples; Run = $run; Excluded = @($excluded); Shared = @($first | ForEach-Object { Find-Example $_ } | ForEach-Object Id) }
    $checkCases = @($examples | ForEach-Object { @{ Id = $_.Id; Title = $_.Title; Example = $_ } })
    $runCases = @($run | ForEach-Object { @{ Id = $_.Id; Title = $_.Title } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'DocExamples.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    # The demo script uses the sandbox's SSH hosts: its commands must resolve too.
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    $script:Given = 'local', 'eck', 'remote', 'nodes', 'sessions', 'ca'
    # Commands of other modules the docs use, and where they come from.
    $script:External = @{
        'Get-Secret'      = 'Microsoft.PowerShell.SecretManagement'
        'Set-Secret'      = 'Microsoft.PowerShell.SecretManagement'
        'Restart-Service' = 'Microsoft.PowerShell.Management on Windows (inside Invoke-Command on the node)'
    }
}

Describe 'Documented examples' -ForEach @($data) {
    It 'finds the examples: the README''s, every help page''s, about_EckRemoteCluster''s and docs/examples''' {
        $files = @($Examples.File | Sort-Object -Unique)
        $files | Should -Contain 'README.md'
        $files | Should -Contain 'docs/en-US/about_EckRemoteCluster.help.txt'
        foreach ($page in Get-ChildItem (Join-Path (Get-RepositoryRoot) 'docs' 'en-US') -Filter '*-*.md') {
            "docs/en-US/$($page.Name)" | Should -BeIn $files -Because "$($page.Name) has examples"
        }
        $Examples.Count | Should -BeGreaterThan 80
        foreach ($example in $Excluded) { $example.Reason | Should -Not -BeNullOrEmpty }
    }

    It 'each help page''s examples are the ones Get-Help shows (the first code block of each)' {
        foreach ($group in $Examples | Where-Object File -like 'docs/en-US/*-*.md' | Group-Object File) {
            $name = [IO.Path]::GetFileNameWithoutExtension($group.Name)
            $shown = @((Get-Help $name -Full).examples.example | ForEach-Object { ($_.code -join "`n").Trim() })
            foreach ($code in $shown) { $code | Should -BeIn @($group.Group.Code | ForEach-Object Trim) -Because "Get-Help $name shows it" }
        }
    }

    It 'every ConfirmImpact High cmdlet offers -Force, so a runbook can confirm in advance as the README says' {
        $highImpact = @(Get-Command -Module EckRemoteCluster -CommandType Cmdlet | Where-Object {
                ($_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1).ConfirmImpact -eq 'High'
            })
        $highImpact | Should -Not -BeNullOrEmpty
        foreach ($command in $highImpact) { $command.Parameters.ContainsKey('Force') | Should -BeTrue -Because "$($command.Name) is ConfirmImpact High" }
    }

    It 'each entry of the run''s lists names exactly one example: <File> <Code>' -ForEach $entries {
        $Count | Should -Be 1
    }

    It '<Id> (<Title>): parses; its commands, parameters and parameter sets resolve; it reads only what it sets or is given' -ForEach $checkCases {
        $problems = @(Test-DocumentedExample -Example $Example -GivenVariable $Given -ExternalCommand $External)
        $problems -join "`n" | Should -BeNullOrEmpty
    }
}

Describe 'Documented examples under pwsh -NonInteractive against the sandbox' -ForEach @($data) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
        $script:Sandbox = Start-TestSandbox
        # The runner opens its own sessions to these hosts.
        $script:NodeSessions = Open-SandboxNodeSessions $Sandbox -NoSession
        $script:SshHosts = $NodeSessions.Hosts
        $work = Join-Path $TestDrive 'examples'
        New-Item -ItemType Directory $work | Out-Null
        $highImpact = @(Get-Command -Module EckRemoteCluster -CommandType Cmdlet | Where-Object {
                ($_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1).ConfirmImpact -eq 'High'
            } | ForEach-Object Name)
        $plan = @{
            SandboxJson      = Join-Path $Sandbox.StateDirectory 'sandbox.json'
            ModulePath       = Split-Path (Split-Path (Split-Path (Get-BuiltModuleManifest)))
            WorkingDirectory = $work
            ResultPath       = Join-Path $TestDrive 'results.jsonl'
            HighImpact       = $highImpact
            SshHosts         = @($SshHosts | ForEach-Object { @{ HostName = $_.HostName; Port = $_.Port; UserName = $_.UserName; KeyFilePath = $_.KeyFilePath; KnownHostsPath = $_.KnownHostsPath } })
            Examples         = @($Run | ForEach-Object {
                    @{ Id = $_.Id; File = $_.File; Line = $_.Line; Runbook = (Test-RunbookExample $_.Code $_.Title); Shares = $_.Id -in $Shared; Code = (ConvertTo-SandboxExample -Example $_ -Sandbox $Sandbox) }
                })
        }
        $planPath = Join-Path $TestDrive 'plan.json'
        $plan | ConvertTo-Json -Depth 10 | Set-Content $planPath

        # pwsh -NonInteractive with a standard input of its own, closed at once: what a scheduler or CI gives.
        $pwsh = Get-PwshCommandLine
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'DocExamples.Runner.ps1'), '-PlanPath', $planPath)) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $process = [Diagnostics.Process]::Start($start)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        # Bounds only a runner that hangs (an example that waits forever); the last example started is then named.
        if (-not $process.WaitForExit(900000)) { $process.Kill($true) }
        $process.WaitForExit()
        $script:RunnerSeconds = [Math]::Round($watch.Elapsed.TotalSeconds)
        $script:RunnerOutput = "exit $($process.ExitCode)`n$($stdout.Result)`n$($stderr.Result)"
        $lines = if (Test-Path $plan.ResultPath) { @(Get-Content $plan.ResultPath | ForEach-Object { $_ | ConvertFrom-Json -Depth 10 }) } else { @() }
        $script:Results = @{}
        foreach ($line in $lines) { $Results[$line.Id] = $line }
        Write-Host "Documented examples: $($Run.Count) run in $RunnerSeconds s, $($Examples.Count) checked statically, $($Excluded.Count) not run here."
        foreach ($example in $Excluded) { Write-Host "  not run: $($example.Id): $($example.Reason)" }
        foreach ($result in $lines | Where-Object State -ne 'Started' | Sort-Object Seconds -Descending | Select-Object -First 5) { Write-Host "  slowest: $($result.Seconds) s $($result.Id)" }
        if ($env:ECKRC_DOC_EXAMPLE_RESULTS) { Copy-Item $plan.ResultPath $env:ECKRC_DOC_EXAMPLE_RESULTS }
    }

    AfterAll {
        Close-SandboxNodeSessions $NodeSessions
        Stop-TestSandbox $Sandbox
    }

    It '<Id> (<Title>) runs without a prompt or an error' -ForEach $runCases {
        $result = $Results[$Id]
        $result | Should -Not -BeNullOrEmpty -Because "the runner reached it ($RunnerOutput)"
        $result.State | Should -Not -Be 'Started' -Because "it ended (the runner stopped in it: $RunnerOutput)"
        if ($result.State -eq 'Failed') {
            $failure = $result.Failure
            throw "$($failure.At): $($failure.ErrorId): $($failure.Message)$(if ($failure.Action) { " [$($failure.Action)]" })`n$($result.Output)"
        }
        $result.State | Should -Be 'Passed'
    }
}

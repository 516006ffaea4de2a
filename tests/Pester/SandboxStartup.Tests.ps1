# ./build.ps1 Sandbox prints a line to paste into another terminal. It must work pasted into bash as into pwsh, from
# any folder, and leave the new session pointed at the sandbox whatever KUBECONFIG was before.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'ModuleLayout.ps1')
    . (Join-Path (Get-RepositoryRoot) 'src' 'Build' 'SandboxTasks.ps1')
    $script:Sandbox = Start-TestSandbox
    $script:Lines = Get-SandboxInstructions -Description $Sandbox -StateDirectory $Sandbox.StateDirectory -ModuleManifest (Get-BuiltModuleManifest)
    # What the new session is asked once it is open: where KUBECONFIG points and what Get-EckCluster finds there.
    $script:Probe = @(
        '$clusters = @(Get-EckCluster -AllNamespaces | ForEach-Object { "$($_.Namespace)/$($_.Name)" })'
        '"RESULT " + ([pscustomobject]@{ KubeConfig = $env:KUBECONFIG; Clusters = $clusters } | ConvertTo-Json -Compress)'
        'exit 0'
    )
    # Run where nothing points at the sandbox: another folder, and a KUBECONFIG that names a file that is not there.
    $script:Elsewhere = Join-Path $TestDrive 'elsewhere'
    New-Item -ItemType Directory $Elsewhere | Out-Null
    function Read-Result([string[]] $Output) {
        # The session echoes what it reads (with terminal escapes): take the line the probe printed, not its echo.
        $json = $Output | ForEach-Object { if ("$_" -match 'RESULT (\{.*\})\s*$') { $Matches[1] } } | Select-Object -Last 1
        if (-not $json) { throw "The session printed no result: $($Output -join "`n")" }
        $json | ConvertFrom-Json
    }
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'The sandbox start-up line' {
    It 'opens a session on the sandbox when pasted into bash' -Skip:(-not (Get-Command bash -ErrorAction SilentlyContinue)) {
        $output = $Probe | & bash -c "cd '$Elsewhere' && export KUBECONFIG=/nonexistent/config && $($Lines.PwshLine)" 2>&1
        $result = Read-Result $output
        $result.KubeConfig | Should -Be $Sandbox.kubeconfig
        $result.Clusters | Should -Contain 'elastic/quickstart'
    }

    It 'opens a session on the sandbox when pasted into pwsh' {
        $saved = $env:KUBECONFIG
        Push-Location $Elsewhere
        try {
            $env:KUBECONFIG = '/nonexistent/config'
            # The line is parsed by pwsh exactly as typed; the probe arrives on the new session's standard input.
            $pasted = [scriptblock]::Create("`$input | $($Lines.PwshLine)")
            $output = $Probe | & $pasted 2>&1
        }
        finally { Pop-Location; $env:KUBECONFIG = $saved }
        $result = Read-Result $output
        $result.KubeConfig | Should -Be $Sandbox.kubeconfig
        $result.Clusters | Should -Contain 'elastic/quickstart'
    }

    It 'has a kubectl line that names the kubeconfig the same way in both shells' {
        $Lines.KubectlLine | Should -Be "kubectl --kubeconfig '$($Sandbox.kubeconfig)' get es -A"
        $Lines.PwshLine | Should -Not -Match '\$'
    }
}

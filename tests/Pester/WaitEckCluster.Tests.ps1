# Wait-EckCluster on the sandbox: one watch for a whole rollout, a watch whose resourceVersion is compacted away (410 Gone) and Ctrl+C.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:Manifest = Get-BuiltModuleManifest
    Import-Module $Manifest -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{ '*-Eck*:KubeConfig' = $Sandbox.kubeconfig; '*-Eck*:Namespace' = 'elastic' }
    $script:Headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }

    function Set-Rollout([int] $SecondsPerPod) {
        $body = if ($SecondsPerPod -gt 0) { @{ mode = 'realistic'; secondsPerPod = $SecondsPerPod } } else { @{ mode = 'instant' } }
        Invoke-SandboxControl -Sandbox $Sandbox -Method PUT -Path '/rollout' -Body $body | Out-Null
    }
    # Flips the remote cluster server so ECK starts a rolling restart, leaving the cluster not Ready.
    function Start-Rollout {
        $cluster = Get-EckCluster -Name quickstart
        if ($cluster.RemoteClusterServerEnabled) { $cluster | Disable-EckRemoteClusterServer -Force | Out-Null }
        else { $cluster | Enable-EckRemoteClusterServer -Force | Out-Null }
    }
}

AfterAll {
    Clear-SandboxFault
    Stop-TestSandbox $Sandbox
}

Describe 'Wait-EckCluster' {
    AfterEach {
        Clear-SandboxFault
        Set-Rollout 0
        Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:01:00 | Out-Null
    }

    It 'follows the rollout through one watch of the resource instead of reading it again and again' {
        # Slow enough that the cluster is still rolling when the wait reads it, so the wait has to watch.
        Set-Rollout 3
        $cluster = Get-EckCluster -Name quickstart
        $cluster = if ($cluster.RemoteClusterServerEnabled) { $cluster | Disable-EckRemoteClusterServer -Force } else { $cluster | Enable-EckRemoteClusterServer -Force }
        Clear-RequestLog
        $ready = $cluster | Wait-EckCluster -Timeout 00:01:00
        $ready.IsReady | Should -BeTrue
        $ready.ObservedGeneration | Should -Be $cluster.Generation
        $requests = @(Get-RequestLog -PathLike '*elasticsearches*')
        @($requests | Where-Object path -like '*watch=true*').Count | Should -Be 1
        # The reads that start the wait (the cmdlet's and the watch's starting resourceVersion), none while it waits.
        @($requests | Where-Object { $_.path -notlike '*watch=true*' }).Count | Should -BeLessOrEqual 2
    }

    It 'reads the cluster again and keeps waiting when its watch answers 410 Gone' {
        # Slow enough that the cluster is still rolling when the wait reads it, so the wait has to watch.
        Set-Rollout 3
        Start-Rollout
        Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/requests' | Out-Null
        # The first watch is held until the history it starts from has been compacted away.
        Add-SandboxFault @{ target = 'kubernetes'; method = 'GET'; pathPattern = 'elasticsearches\?.*watch=true'; action = 'hold'; count = 1 }
        $compactor = Start-ThreadJob -ArgumentList $Sandbox.kubernetes.server, $Headers, $Sandbox.controlApi -ScriptBlock {
            param($server, $headers, $control)
            $control = $control.TrimEnd('/')
            # Once the watch is held (a condition, not a time), a write moves the store past the version it asked for,
            # compaction makes that version too old, and the watch goes on to meet 410 Gone.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Invoke-RestMethod -Uri "$control/faults").held -lt 1) {
                if ([DateTime]::UtcNow -gt $deadline) { Invoke-RestMethod -Method POST -Uri "$control/faults/release" | Out-Null; throw 'The watch never arrived.' }
                Start-Sleep -Milliseconds 50
            }
            $configMap = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = "bump-$([guid]::NewGuid().ToString('n').Substring(0, 6))" } } | ConvertTo-Json
            Invoke-RestMethod -Method POST -Uri "$server/api/v1/namespaces/default/configmaps" -Headers $headers -Body $configMap -ContentType 'application/json' -SkipCertificateCheck | Out-Null
            Invoke-RestMethod -Method POST -Uri "$control/kubernetes/compact" | Out-Null
            Invoke-RestMethod -Method POST -Uri "$control/faults/release" | Out-Null
        }
        try {
            # DebugPreference rather than -Debug, which would prompt (Inquire) in a non-interactive host.
            $debug = & { $DebugPreference = 'Continue'; Get-EckCluster -Name quickstart | Wait-EckCluster -Timeout 00:01:00 } 5>&1
        }
        finally { $compactor | Wait-Job | Receive-Job; $compactor | Remove-Job }
        $cluster = $debug | Where-Object { $_ -is [EckRemoteCluster.EckCluster] }
        $cluster.IsReady | Should -BeTrue
        ($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message -join "`n" | Should -Match '410 Gone'
        $watches = @(Get-RequestLog | Where-Object { $_.path -like '*elasticsearches?*watch=true*' })
        $watches[0].status | Should -Be 410
        $watches.Count | Should -BeGreaterOrEqual 2
        # Relisted: the GET that starts the wait and the one after the 410.
        @(Get-RequestLog | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/elasticsearches/quickstart' }).Count | Should -BeGreaterOrEqual 2
    }

    It 'stops within two seconds on Ctrl+C with no error but PipelineStopped' {
        # Slow enough that the wait cannot finish before it is stopped, short enough for AfterEach to wait it out.
        Set-Rollout 5
        Start-Rollout
        $runspace = [powershell]::Create()
        try {
            $null = $runspace.AddScript({
                    param($manifest, $kubeconfig)
                    Import-Module $manifest
                    Get-EckCluster -KubeConfig $kubeconfig -Namespace elastic -Name quickstart | Wait-EckCluster -Timeout 00:05:00
                }).AddArgument($Manifest).AddArgument($Sandbox.kubeconfig)
            $invocation = $runspace.BeginInvoke()
            # Stop once the wait sits in its watch, as a user pressing Ctrl+C would.
            $null = Wait-Condition -Because 'Wait-EckCluster to start its watch' { Get-RequestLog -PathLike '*elasticsearches?*watch=true*' }
            $invocation.IsCompleted | Should -BeFalse
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $runspace.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            $stopped = { $runspace.EndInvoke($invocation) } | Should -Throw -PassThru
            $stopped.Exception.InnerException | Should -BeOfType ([System.Management.Automation.PipelineStoppedException])
            $runspace.InvocationStateInfo.State | Should -Be 'Stopped'
            $runspace.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $runspace.Dispose() }
    }
}

# Issue 15: the README pipeline runs Enable-EckRemoteClusterServer without -Wait, then opens a connection and creates
# the key while ECK restarts the pods. The sandbox holds the roll at an exact step (/rollout/holds) and holds a
# request's answer (fault holdAnswer), so each race happens every time instead of one run in three.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $PSDefaultParameterValues = @{
        '*-Eck*:KubeConfig' = $Sandbox.kubeconfig
        '*-Eck*:Namespace'  = 'elastic'
    }

    # A one-node ECK cluster of its own for each test (a roll leaves it without any Ready pod), Ready before it returns.
    function New-OneNodeCluster([string] $Name) {
        $headers = @{ Authorization = "Bearer $($Sandbox.kubernetes.adminToken)" }
        $body = @{ apiVersion = 'elasticsearch.k8s.elastic.co/v1'; kind = 'Elasticsearch'; metadata = @{ name = $Name; namespace = 'elastic' }
            spec = @{ version = '9.1.0'; nodeSets = @(@{ name = 'default'; count = 1 }) } } | ConvertTo-Json -Depth 10
        Invoke-RestMethod -Method POST -Uri "$($Sandbox.kubernetes.server)/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches" `
            -Headers $headers -Body $body -ContentType 'application/json' -SkipCertificateCheck | Out-Null
        Get-EckCluster -Name $Name | Wait-EckCluster -Timeout ([TimeSpan]::FromMinutes(3))
    }

    function Add-RolloutHold([string] $Name, [string] $At) {
        Invoke-SandboxControl -Method POST -Path '/rollout/holds' -Body @{ namespace = 'elastic'; name = $Name; at = $At } | Out-Null
    }

    # Returns once the cluster's roll is paused at the hold (the control API answers then; 504 if it never is).
    function Wait-RolloutHeld([string] $Name, [string] $At) {
        Invoke-SandboxControl -Method POST -Path "/rollout/holds/wait?namespace=elastic&name=$Name&at=$At&timeoutSeconds=120"
    }

    function Clear-RolloutHold { Invoke-SandboxControl -Method DELETE -Path '/rollout/holds' | Out-Null }

    # A command in a runspace of its own, as a second console would run it, so the test can act while it waits.
    function Start-InRunspace([scriptblock] $Script, [object[]] $ArgumentList = @()) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest) Import-Module $Manifest; $global:ErrorActionPreference = ''Stop''').AddArgument((Get-BuiltModuleManifest))
        $null = $ps.AddStatement().AddScript($Script)
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $noInput = [Management.Automation.PSDataCollection[psobject]]::new()
        $noInput.Complete()
        $handle = $ps.BeginInvoke($noInput, $output)
        [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $handle }
    }

    # Its progress records so far, read by index (enumerating a PSDataCollection blocks until the command ends); a
    # command that already ended (failed at once instead of waiting) fails the wait with its error.
    function Get-RunspaceProgress($Run) {
        if ($Run.Handle.IsCompleted) { throw "The command ended instead of waiting: $($Run.PowerShell.Streams.Error | Out-String)" }
        $progress = $Run.PowerShell.Streams.Progress
        for ($i = 0; $i -lt $progress.Count; $i++) { $progress[$i] }
    }

    # Waits for the command to end (the bound only fails a command that never does) and returns its output.
    function Complete-InRunspace($Run) {
        $Run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromMinutes(5)) | Should -BeTrue -Because 'the command ends'
        try { $null = $Run.PowerShell.EndInvoke($Run.Handle) }
        finally { $Run.PowerShell.Streams.Error | ForEach-Object { Write-Host "runspace error: $_" } }
        for ($i = 0; $i -lt $Run.Output.Count; $i++) { $Run.Output[$i] }
    }
}

AfterAll {
    if ($Sandbox) {
        Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/rollout/holds' -ErrorAction SilentlyContinue | Out-Null
        Invoke-SandboxControl -Sandbox $Sandbox -Method DELETE -Path '/faults' -ErrorAction SilentlyContinue | Out-Null
    }
    Stop-TestSandbox $Sandbox
}

Describe 'Requests during the rolling restart that Enable-EckRemoteClusterServer starts' {
    AfterEach {
        Clear-RolloutHold
        Clear-SandboxFault
    }

    It 'leaves exactly one usable key when the pod restarts after creating the key and before answering' {
        $eck = New-OneNodeCluster 'race-key'
        $remote = $eck | New-ElasticsearchConnection
        Add-RolloutHold 'race-key' 'podDeletion'
        # The node creates the key; its answer waits, and the pod's restart cuts the connection under it.
        Add-SandboxFault @{ target = 'race-key-es-default-0'; method = 'POST'; pathPattern = '^/_security/cross_cluster/api_key'; action = 'holdAnswer'; count = 1 }

        $null = $eck | Enable-EckRemoteClusterServer -Force
        (Wait-RolloutHeld 'race-key' 'podDeletion').pod | Should -Be 'race-key-es-default-0'
        $create = Start-InRunspace { param($Remote) $Remote | New-CrossClusterApiKey -Name race-key -Alias eck -SearchIndex 'logs-*' } $remote
        Wait-Condition -Because 'the key is created and its answer held' { (Invoke-SandboxControl -Path '/faults').held -ge 1 }
        Clear-RolloutHold

        $key = Complete-InRunspace $create
        $key.Name | Should -Be 'race-key'
        $key.EncodedKey | Should -Not -BeNullOrEmpty
        $active = @(Get-CrossClusterApiKey -RemoteConnection $remote -Name race-key)
        $active.Count | Should -Be 1 -Because 'the key whose answer was lost is not left active beside the one handed out'
        $active[0].Id | Should -Be $key.Id
        $all = @(Get-CrossClusterApiKey -RemoteConnection $remote -Name race-key -IncludeInvalidated)
        $all.Count | Should -Be 2
        @($all | Where-Object Invalidated).Count | Should -Be 1
        @($create.PowerShell.Streams.Warning | Where-Object { "$_" -like '*answer with the secret was lost*' }).Count | Should -Be 1
        $posts = @(Get-RequestLog -PathLike '/_security/cross_cluster/api_key*' | Where-Object { $_.method -eq 'POST' -and $_.target -eq 'race-key-es-default-0' })
        $posts.Count | Should -Be 2 -Because 'one creation was cut, one answered'
    }

    It 'creates the key once when the pod restarts before it acted on the request' {
        $eck = New-OneNodeCluster 'race-unsent'
        $remote = $eck | New-ElasticsearchConnection
        Add-RolloutHold 'race-unsent' 'podDeletion'
        Add-SandboxFault @{ target = 'race-unsent-es-default-0'; method = 'POST'; pathPattern = '^/_security/cross_cluster/api_key'; action = 'hold'; count = 1 }

        $null = $eck | Enable-EckRemoteClusterServer -Force
        $null = Wait-RolloutHeld 'race-unsent' 'podDeletion'
        $create = Start-InRunspace { param($Remote) $Remote | New-CrossClusterApiKey -Name race-unsent -Alias eck -SearchIndex 'logs-*' } $remote
        Wait-Condition -Because 'the creation is held before the node acts on it' { (Invoke-SandboxControl -Path '/faults').held -ge 1 }
        Clear-RolloutHold

        $key = Complete-InRunspace $create
        @(Get-CrossClusterApiKey -RemoteConnection $remote -Name race-unsent -IncludeInvalidated).Id | Should -Be @($key.Id)
        @($create.PowerShell.Streams.Warning).Count | Should -Be 0
    }

    It 'New-ElasticsearchConnection waits, with progress, while the only pod is not Ready, instead of EckClusterNoReadyPod' {
        $eck = New-OneNodeCluster 'race-connect'
        Add-RolloutHold 'race-connect' 'podReady'
        $null = $eck | Enable-EckRemoteClusterServer -Force
        $null = Wait-RolloutHeld 'race-connect' 'podReady'

        $connect = Start-InRunspace { param($Eck) $Eck | New-ElasticsearchConnection } $eck
        Wait-Condition -Because 'the connection waits for a Ready pod' {
            Get-RunspaceProgress $connect | Where-Object { $_.Activity -like 'Waiting for a Ready pod of*race-connect*' }
        }
        $connect.PowerShell.InvocationStateInfo.State | Should -Be 'Running'
        Clear-RolloutHold

        $connection = Complete-InRunspace $connect
        $connection.ClusterName | Should -Be 'race-connect'
        $connection.Route | Should -Be 'PortForward'
    }

    It 'Ctrl+C ends the wait for a Ready pod' {
        $eck = New-OneNodeCluster 'race-cancel'
        Add-RolloutHold 'race-cancel' 'podReady'
        $null = $eck | Enable-EckRemoteClusterServer -Force
        $null = Wait-RolloutHeld 'race-cancel' 'podReady'

        $connect = Start-InRunspace { param($Eck) $Eck | New-ElasticsearchConnection } $eck
        Wait-Condition -Because 'the connection waits for a Ready pod' {
            Get-RunspaceProgress $connect | Where-Object { $_.Activity -like 'Waiting for a Ready pod of*race-cancel*' }
        }
        $stopping = $connect.PowerShell.BeginStop($null, $null)
        $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue -Because 'Ctrl+C ends the wait'
        $connect.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $connect.PowerShell.Dispose()
    }
}

# The Sandbox and Demo tasks: the sandbox (tests/Sandbox) stands in for a Kubernetes API, the ECK operator and
# Elasticsearch nodes, so the module's whole workflow can run on a machine that has none of them.

function Get-SandboxAssembly([string] $Root) {
    Join-Path $Root 'tests' 'Sandbox' 'bin' 'Release' 'net10.0' 'Sandbox.dll'
}

function Build-Sandbox([string] $Root) {
    Invoke-DotNet build (Join-Path $Root 'tests/Sandbox/Sandbox.csproj') -c Release --nologo -v quiet
}

<#
Starts the sandbox as a child process and waits for its sandbox.json. With -KeepStdin:$false the child gets a pipe
for standard input that this process holds: closing it (Stop-DemoSandbox) stops the sandbox, and so does this
process ending for any reason, so no sandbox outlives its demo.
#>
function Start-DemoSandbox {
    param([string] $Root, [string] $StateDirectory, [string[]] $Arguments = @(), [int] $TimeoutSeconds = 90)
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-SandboxAssembly $Root), '--state-dir', $StateDirectory) + $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $null = $process.StandardOutput.BaseStream.CopyToAsync([IO.File]::Create((Join-Path $StateDirectory 'sandbox.stdout.log')))
    $null = $process.StandardError.BaseStream.CopyToAsync([IO.File]::Create((Join-Path $StateDirectory 'sandbox.stderr.log')))
    $descriptor = Join-Path $StateDirectory 'sandbox.json'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path $descriptor)) {
        if ($process.HasExited) { throw "The sandbox exited with $($process.ExitCode); see $StateDirectory." }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw "The sandbox was not ready within $TimeoutSeconds s; see $StateDirectory." }
        Start-Sleep -Milliseconds 200
    }
    [pscustomobject]@{ Process = $process; Description = (Get-Content $descriptor -Raw | ConvertFrom-Json -Depth 20) }
}

function Stop-DemoSandbox($Sandbox) {
    if ($Sandbox -and -not $Sandbox.Process.HasExited) {
        $Sandbox.Process.StandardInput.Close()
        if (-not $Sandbox.Process.WaitForExit(15000)) { $Sandbox.Process.Kill($true) }
    }
}

# A string quoted so that bash, zsh and pwsh all read it literally: single quotes, with an embedded ' closed, escaped
# and reopened for POSIX shells is not portable, so a path with a single quote is refused instead.
function ConvertTo-ShellLiteral([string] $Text) {
    if ($Text.Contains("'")) { throw "The path $Text contains a single quote; start the sandbox from a folder without one." }
    "'$Text'"
}

<#
Writes <state>/enter-sandbox.ps1 (KUBECONFIG set to the sandbox's kubeconfig, the built module imported) and returns
the lines to paste into another terminal. Each line works the same pasted into bash or pwsh, from any folder: the
paths are single-quoted (literal in both shells), no line uses $ or an environment-variable syntax of one shell, and
pwsh is started as dotnet with the absolute path of the pwsh.dll this build runs, so no tool manifest is needed.
#>
function Get-SandboxInstructions {
    param([Parameter(Mandatory)] $Description, [Parameter(Mandatory)] [string] $StateDirectory, [Parameter(Mandatory)] [string] $ModuleManifest)
    $enter = Join-Path $StateDirectory 'enter-sandbox.ps1'
    Set-Content -Path $enter -Encoding utf8NoBOM -Value @"
# Written by ./build.ps1 Sandbox: points this session at the sandbox's Kubernetes API and imports the built module.
`$env:KUBECONFIG = '$($Description.kubeconfig)'
Import-Module '$ModuleManifest'
Write-Host "KUBECONFIG is `$env:KUBECONFIG. Try: Get-EckCluster -AllNamespaces"
"@
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $launcher = if (Test-Path $pwshDll) { "dotnet $(ConvertTo-ShellLiteral $pwshDll)" } else { ConvertTo-ShellLiteral ([Environment]::ProcessPath) }
    [pscustomobject]@{
        EnterScript = $enter
        PwshLine    = "$launcher -NoExit -File $(ConvertTo-ShellLiteral $enter)"
        KubectlLine = "kubectl --kubeconfig $(ConvertTo-ShellLiteral $Description.kubeconfig) get es -A"
    }
}

function Start-InteractiveSandbox([string] $Root) {
    Invoke-ModuleBuild -Root $Root -Configuration Release | Out-Null
    Build-Sandbox $Root
    $state = Join-Path $Root 'out' 'sandbox'
    if (Test-Path $state) { Remove-Item $state -Recurse -Force }
    New-Item -ItemType Directory $state | Out-Null
    $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $state -Arguments @('--rollout', 'realistic')
    $d = $sandbox.Description
    $lines = Get-SandboxInstructions -Description $d -StateDirectory $state -ModuleManifest (Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1')
    Write-Host @"

The sandbox is running (Kubernetes API $($d.kubernetes.server), ECK $($d.eckVersion)). In another terminal, bash or pwsh:

  $($lines.KubectlLine)
  $($lines.PwshLine)

The second line opens pwsh with KUBECONFIG set to the sandbox's kubeconfig and the module imported; then:
  Get-EckCluster -AllNamespaces

The self-managed cluster's nodes:
$(($d.localCluster.nodes | ForEach-Object { "  $($_.name): $($_.httpUri)  config: $($_.configDir)" }) -join "`n")
  user elastic, password in $(Join-Path $state 'sandbox.json'), HTTP CA $($d.localCluster.httpCaPath)
Control API (request log, faults, node restarts): $($d.controlApi)

Press Enter to stop the sandbox.
"@
    try { $null = Read-Host }
    finally { Stop-DemoSandbox $sandbox }
}

function Invoke-Demo {
    param([string] $Root, [string] $Configuration)
    Invoke-ModuleBuild -Root $Root -Configuration $Configuration | Out-Null
    Build-Sandbox $Root
    $state = Join-Path $Root 'out' 'demo'
    if (Test-Path $state) { Remove-Item $state -Recurse -Force }
    New-Item -ItemType Directory $state | Out-Null
    Write-Host 'Starting the sandbox (Kubernetes API, ECK operator, an ECK cluster and a two-node self-managed cluster)...'
    $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $state -Arguments @('--rollout', 'realistic')
    try {
        & (Join-Path $Root 'docs' 'examples' 'Connect-SelfManagedToEck.Demo.ps1') -Sandbox $sandbox.Description -ModuleManifest (Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1')
    }
    finally {
        Stop-DemoSandbox $sandbox
        Write-Host 'Sandbox stopped.'
    }
}

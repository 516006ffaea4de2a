# A real OpenSSH server on loopback for PowerShell remoting over SSH: the tests and the demo reach the sandbox's
# self-managed nodes through `New-PSSession -HostName 127.0.0.1 -Port <port> -KeyFilePath <key>`, as administrators
# reach real nodes. One sshd per node, each on its own free port with its own per-run host and client keys, and pwsh
# as its `powershell` subsystem; the node's stand-in host directory (sandbox.json localCluster.nodes[].hostPath, with
# its systemctl) comes first on the session's PATH, so each session is "on" its node.
Set-StrictMode -Version 3.0

$script:Sshd = '/usr/sbin/sshd'

<#
Installs Debian's openssh-server when sshd is missing (apt-get update first). Needs root, as CI has; children get
their own empty standard input, since CI has none.
#>
function Install-SshServer {
    if (Test-Path $script:Sshd) { return }
    # The test runner's lanes may get here at the same time, and apt-get holds a lock of its own that the second would
    # fail on: one installs, the other waits for it.
    $mutex = [Threading.Mutex]::new($false, 'Global\EckRemoteCluster.Tests.InstallSshServer')
    $owned = $false
    try {
        try { $owned = $mutex.WaitOne([TimeSpan]::FromMinutes(10)) } catch [Threading.AbandonedMutexException] { $owned = $true }
        if (-not $owned) { throw 'Another test process has been installing openssh-server for 10 minutes.' }
        Install-SshServerPackage
    }
    finally {
        if ($owned) { $mutex.ReleaseMutex() }
        $mutex.Dispose()
    }
}

function Install-SshServerPackage {
    if (Test-Path $script:Sshd) { return }
    if ($IsWindows -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        throw "sshd is not installed and this is not a Debian-like system: install OpenSSH's server ($script:Sshd) to run the remoting tests."
    }
    if ((& id -u) -ne '0') { throw "sshd is not installed and installing it needs root: run 'apt-get install openssh-server' as root." }
    $previous = $env:DEBIAN_FRONTEND
    $env:DEBIAN_FRONTEND = 'noninteractive'
    try {
        $output = $null | & apt-get update -qq 2>&1
        if ($LASTEXITCODE -ne 0) { throw "apt-get update failed ($LASTEXITCODE): $($output -join "`n")" }
        # policy-rc.d may refuse to start the packaged service; that is fine, the tests start their own sshd.
        $output = $null | & apt-get install -y -qq --no-install-recommends openssh-server 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $script:Sshd)) { throw "apt-get install openssh-server failed ($LASTEXITCODE): $($output -join "`n")" }
    }
    finally { $env:DEBIAN_FRONTEND = $previous }
}

function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Invoke-Quiet([string] $File, [string[]] $Arguments) {
    $output = $null | & $File @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed ($LASTEXITCODE): $($output -join "`n")" }
}

function Get-ShellQuoted([string] $Text) { "'" + $Text.Replace("'", "'\''") + "'" }

<#
Starts sshd on a free port of 127.0.0.1 for the current user (root), key authentication only, with a subsystem
`powershell` that runs this pwsh (`dotnet <pwsh.dll> -sshs` when pwsh is a .NET tool: sshd needs an executable, so a
small wrapper script per run execs it). -PathPrefix goes first on PATH in the sessions; -Environment is exported.
Returns what New-SshTestSession needs, plus Process and Directory for Stop-SshTestHost.
#>
function Start-SshTestHost {
    param([string] $Name = 'node', [string[]] $PathPrefix = @(), [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 30)
    Install-SshServer
    $directory = Join-Path ([IO.Path]::GetTempPath()) "eck-sshd-$Name-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    New-Item -ItemType Directory $directory | Out-Null
    [IO.File]::SetUnixFileMode($directory, [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute')
    # sshd's privilege separation directory; the package creates it only when its service starts.
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory /run/sshd | Out-Null }

    $hostKey = Join-Path $directory 'ssh_host_ed25519_key'
    $clientKey = Join-Path $directory 'client_ed25519'
    Invoke-Quiet ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-C', "eck-sshd-$Name-host", '-f', $hostKey)
    Invoke-Quiet ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-C', "eck-sshd-$Name-client", '-f', $clientKey)
    $authorizedKeys = Join-Path $directory 'authorized_keys'
    Copy-Item "$clientKey.pub" $authorizedKeys

    $process = [Environment]::ProcessPath
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { "$(Get-ShellQuoted $process) $(Get-ShellQuoted (Join-Path $PSHOME 'pwsh.dll'))" } else { Get-ShellQuoted $process }
    $exports = foreach ($key in $Environment.Keys) { "export $key=$(Get-ShellQuoted ([string] $Environment[$key]))" }
    $path = if ($PathPrefix) { "export PATH=$(Get-ShellQuoted ($PathPrefix -join ':')):`"`$PATH`"" }
    $subsystem = Join-Path $directory 'pwsh-subsystem'
    # Each session's pwsh keeps its caches (the multicore JIT startup profile among them) in a directory of its own:
    # pwsh processes ending together rewrite a shared StartupProfileData-SSHServerMode at once, and one left torn
    # makes every later `pwsh -sshs` on the machine crash at start ("String cannot have zero length").
    $cache = 'export XDG_CACHE_HOME=' + (Get-ShellQuoted (Join-Path $directory 'cache')) + '/$$ && mkdir -p "$XDG_CACHE_HOME"'
    Set-Content -Path $subsystem -Value (@('#!/bin/sh', $path, $cache) + $exports + "exec $pwsh -sshs -NoLogo -NoProfile")
    [IO.File]::SetUnixFileMode($subsystem, [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute')
    $user = [Environment]::UserName
    $knownHosts = Join-Path $directory 'known_hosts'
    $hostPublic = (Get-Content "$hostKey.pub" -Raw).Trim() -split ' '
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)

    # A free port can be taken by another process (another test lane's sshd or sandbox) between the probe and sshd's
    # bind, and a connect to it would then reach that process: the port counts only once sshd itself says it listens
    # on it, and a port lost that way is replaced by another.
    for ($attempt = 1; ; $attempt++) {
        $port = Get-FreeTcpPort
        Set-Content -Path $knownHosts -Value "[127.0.0.1]:$port $($hostPublic[0]) $($hostPublic[1])"
        $config = Join-Path $directory 'sshd_config'
        Set-Content -Path $config -Value @(
            "Port $port"
            'ListenAddress 127.0.0.1'
            "HostKey $hostKey"
            "PidFile $(Join-Path $directory 'sshd.pid')"
            "AuthorizedKeysFile $authorizedKeys"
            'PubkeyAuthentication yes'
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'PermitRootLogin prohibit-password'
            "AllowUsers $user"
            # The key files live under the temp dir, which StrictModes would refuse (world-writable /tmp above them).
            'StrictModes no'
            'UsePAM no'
            'LogLevel INFO'
            "Subsystem powershell $subsystem"
        )

        $start = [Diagnostics.ProcessStartInfo]::new($script:Sshd)
        foreach ($argument in '-D', '-e', '-f', $config) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $sshd = [Diagnostics.Process]::Start($start)
        $null = $sshd.StandardOutput.BaseStream.CopyToAsync([IO.Stream]::Null)
        $said = [Collections.Generic.List[string]]::new()
        $listening = $false
        while (-not $listening) {
            $left = $deadline - [DateTime]::UtcNow
            $reading = $sshd.StandardError.ReadLineAsync()
            if ($left -le [TimeSpan]::Zero -or -not $reading.Wait($left)) {
                $sshd.Kill($true)
                throw "sshd did not listen on 127.0.0.1:$port within $TimeoutSeconds s: $($said -join "`n")"
            }
            if ($null -eq $reading.Result) { break }
            $said.Add($reading.Result)
            $listening = $reading.Result -match "Server listening on 127\.0\.0\.1 port $port\b"
        }
        if ($listening) { break }
        $null = $sshd.WaitForExit(5000)
        if ($attempt -ge 5 -or -not ($said -match 'Address already in use')) {
            throw "sshd exited with $(if ($sshd.HasExited) { $sshd.ExitCode } else { '?' }): $($said -join "`n")"
        }
    }
    $log = [IO.FileStream]::new((Join-Path $directory 'sshd.log'), [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::Read)
    $writer = [IO.StreamWriter]::new($log, [Text.UTF8Encoding]::new($false), 4096, $true)
    foreach ($line in $said) { $writer.WriteLine($line) }
    $writer.Dispose()
    $null = $sshd.StandardError.BaseStream.CopyToAsync($log)

    [pscustomobject]@{
        PSTypeName     = 'EckRemoteCluster.Tests.SshTestHost'
        Name           = $Name
        HostName       = '127.0.0.1'
        Port           = $port
        UserName       = $user
        KeyFilePath    = $clientKey
        KnownHostsPath = $knownHosts
        Directory      = $directory
        Process        = $sshd
        Log            = $log
    }
}

<# The New-PSSession arguments for a host: strict host key checking against the per-run known_hosts file. #>
function Get-SshTestSessionParameters {
    param([Parameter(Mandatory)] $SshHost)
    @{
        HostName    = $SshHost.HostName
        Port        = $SshHost.Port
        UserName    = $SshHost.UserName
        KeyFilePath = $SshHost.KeyFilePath
        Options     = @{ UserKnownHostsFile = $SshHost.KnownHostsPath; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' }
    }
}

function New-SshTestSession {
    param([Parameter(Mandatory, ValueFromPipeline)] $SshHost)
    process {
        $parameters = Get-SshTestSessionParameters $SshHost
        New-PSSession @parameters -Name $SshHost.Name -ErrorAction Stop
    }
}

<#
Starts one sshd per self-managed node of a sandbox (Start-TestSandbox or the demo's), its hostPath first on PATH and
-Environment exported in its sessions.
#>
function Start-SandboxSshHosts {
    param([Parameter(Mandatory)] $Sandbox, [hashtable] $Environment = @{})
    foreach ($node in $Sandbox.localCluster.nodes) {
        Start-SshTestHost -Name $node.name -PathPrefix @($node.hostPath) -Environment $Environment
    }
}

<#
What a test file needs to reach the sandbox's self-managed nodes as administrators do: an sshd per node
(Start-SshTestHost, the node's hostPath first on PATH, -Environment exported, each session's pwsh with caches of its
own) and, unless -NoSession (for tests whose cmdlets open their own sessions), a session to each, in the nodes' order.
Returns Hosts and Sessions for Close-SandboxNodeSessions. When a later host or session fails to start, those already
started are stopped before the error is rethrown, so a failing BeforeAll leaves no sshd behind.
#>
function Open-SandboxNodeSessions {
    param([Parameter(Mandatory)] $Sandbox, [hashtable] $Environment = @{}, [switch] $NoSession)
    $hosts = [Collections.Generic.List[object]]::new()
    $sessions = [Collections.Generic.List[object]]::new()
    try {
        foreach ($node in $Sandbox.localCluster.nodes) {
            $hosts.Add((Start-SshTestHost -Name $node.name -PathPrefix @($node.hostPath) -Environment $Environment))
        }
        if (-not $NoSession) {
            foreach ($sshHost in $hosts) { $sessions.Add((New-SshTestSession $sshHost)) }
        }
    }
    catch {
        Close-SandboxNodeSessions ([pscustomobject]@{ Hosts = $hosts.ToArray(); Sessions = $sessions.ToArray() })
        throw
    }
    [pscustomobject]@{
        PSTypeName = 'EckRemoteCluster.Tests.SandboxNodeSessions'
        Hosts      = $hosts.ToArray()
        Sessions   = $sessions.ToArray()
    }
}

<# Closes what Open-SandboxNodeSessions opened: the sessions first, then the hosts. Nothing given, nothing done. #>
function Close-SandboxNodeSessions {
    param([Parameter(ValueFromPipeline)] $NodeSessions)
    process {
        if (-not $NodeSessions) { return }
        $NodeSessions.Sessions | Remove-PSSession -ErrorAction SilentlyContinue
        $NodeSessions.Hosts | Stop-SshTestHost
    }
}

function Stop-SshTestHost {
    param([Parameter(ValueFromPipeline)] $SshHost)
    process {
        if (-not $SshHost) { return }
        if (-not $SshHost.Process.HasExited) {
            # sshd -D forks a process per connection: end the tree so no session's pwsh outlives the host.
            $SshHost.Process.Kill($true)
            $null = $SshHost.Process.WaitForExit(10000)
        }
        $SshHost.Log.Dispose()
        Remove-Item $SshHost.Directory -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Install-SshServer, Start-SshTestHost, Get-SshTestSessionParameters, New-SshTestSession, Start-SandboxSshHosts, Open-SandboxNodeSessions, Close-SandboxNodeSessions, Stop-SshTestHost

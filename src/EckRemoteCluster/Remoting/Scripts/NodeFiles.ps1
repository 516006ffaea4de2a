# Runs on the node (PowerShell 7 over SSH, or Windows PowerShell 5.1 / PowerShell 7 over WinRM; no module needed):
# one file operation of the module's node-file contract (INodeFiles), with the semantics LocalNodeFiles has locally.
# Temporaries are created with the final mode (UnixCreateMode where .NET has it), given the owner and group of the
# file they replace (chown) and its mode (chmod) while still empty, then written and flushed; replacing is a rename
# (File.Replace keeps the old file as the backup by a hard link on Unix). Locks are FileShare.None streams on
# .eckremotecluster.lock, kept in this session's global table until Unlock, so a broken session releases them.
param([string] $Operation, [string] $Path, [byte[]] $Content, $UserId, $GroupId, $Mode, [string] $Like, [string] $Second, [int] $TimeoutMs)
$ErrorActionPreference = 'Stop'
$windows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT

function Get-FullPath([string] $Value) {
    $full = [IO.Path]::GetFullPath($Value)
    $root = [IO.Path]::GetPathRoot($full)
    if ($full -ne $root) { $full = $full.TrimEnd([IO.Path]::DirectorySeparatorChar, [IO.Path]::AltDirectorySeparatorChar) }
    $full
}

function Get-LinkTarget([IO.FileSystemInfo] $Item) {
    # .NET 6+ (PowerShell 7.2+): the final target of a symbolic link; Windows PowerShell 5.1 sees no links here.
    if ($Item.PSObject.Properties['LinkTarget'] -and $Item.LinkTarget) { return $Item.ResolveLinkTarget($true) }
    $null
}

function Resolve-RealDirectory([string] $Directory) {
    $full = Get-FullPath $Directory
    $target = Get-LinkTarget ([IO.DirectoryInfo]::new($full))
    if ($target) { return Resolve-RealDirectory $target.FullName }
    $parent = [IO.Path]::GetDirectoryName($full)
    if (-not $parent) { return $full }
    [IO.Path]::Combine((Resolve-RealDirectory $parent), [IO.Path]::GetFileName($full))
}

function Get-NodeFileInfo([string] $File) {
    $full = Get-FullPath $File
    $item = [IO.FileInfo]::new($full)
    $real = $full
    $target = Get-LinkTarget $item
    if ($item.PSObject.Properties['LinkTarget'] -and $item.LinkTarget) {
        if (-not $target -or -not $target.Exists) { return $null }
        $real = $target.FullName
    }
    elseif (-not $item.Exists) { return $null }
    $real = [IO.Path]::Combine((Resolve-RealDirectory ([IO.Path]::GetDirectoryName($real))), [IO.Path]::GetFileName($real))
    $uid = $null; $gid = $null; $fileMode = $null
    if (-not $windows) {
        $stat = [string](& stat -L -c '%u %g %a' -- $real 2>$null)
        if ($LASTEXITCODE -eq 0 -and $stat -match '^(\d+) (\d+) ([0-7]+)$') {
            $uid = [long] $Matches[1]; $gid = [long] $Matches[2]; $fileMode = [Convert]::ToInt32($Matches[3], 8)
        }
    }
    New-Object PSObject -Property @{ Path = $full; RealPath = $real; UserId = $uid; GroupId = $gid; Mode = $fileMode }
}

function New-ExclusiveStream([string] $File, [IO.FileMode] $FileMode, [IO.FileAccess] $Access, $CreateMode) {
    if (-not $windows -and $null -ne $CreateMode -and ('System.IO.FileStreamOptions' -as [type])) {
        $options = [IO.FileStreamOptions]::new()
        $options.Mode = $FileMode
        $options.Access = $Access
        $options.Share = [IO.FileShare]::None
        $options.UnixCreateMode = [IO.UnixFileMode] ([int] $CreateMode -band 0x1FF)
        return [IO.FileStream]::new($File, $options)
    }
    [IO.FileStream]::new($File, $FileMode, $Access, [IO.FileShare]::None)
}

function Set-Owner([string] $File) {
    if ($windows) {
        if ($Like -and (Test-Path -LiteralPath $Like)) { Set-Acl -LiteralPath $File -AclObject (Get-Acl -LiteralPath $Like) }
        return
    }
    if ($null -ne $UserId -and $null -ne $GroupId) {
        $output = & chown "$($UserId):$($GroupId)" -- $File 2>&1
        if ($LASTEXITCODE -ne 0) { throw [UnauthorizedAccessException]::new("Could not give the new file the owner $($UserId):$($GroupId): $output") }
    }
    if ($null -ne $Mode) {
        $output = & chmod ([Convert]::ToString([int] $Mode, 8)) -- $File 2>&1
        if ($LASTEXITCODE -ne 0) { throw [UnauthorizedAccessException]::new("Could not give the new file the mode $([Convert]::ToString([int] $Mode, 8)): $output") }
    }
}

switch ($Operation) {
    'Identity' {
        if ($windows) { New-Object PSObject -Property @{ UserId = -1; Groups = [long[]] @() } }
        else { New-Object PSObject -Property @{ UserId = [long] [string](& id -u); Groups = [long[]] (-split [string](& id -G)) } }
    }
    'RealDirectory' { Resolve-RealDirectory $Path }
    'GetInfo' { Get-NodeFileInfo $Path }
    'Read' { , [IO.File]::ReadAllBytes($Path) }
    'ReadChunk' {
        # $Second is "offset:maxBytes". The node keeps writing its log: open it shared for writing and deletion.
        if (-not [IO.File]::Exists($Path)) { return }
        $offset, $maxBytes = [long[]] ($Second -split ':')
        $stream = [IO.FileStream]::new($Path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite -bor [IO.FileShare]::Delete)
        try {
            $length = $stream.Length
            $start = [Math]::Max([Math]::Min($offset, $length), $length - $maxBytes)
            $bytes = [byte[]]::new($length - $start)
            $null = $stream.Seek($start, [IO.SeekOrigin]::Begin)
            $read = 0
            while ($read -lt $bytes.Length) {
                $n = $stream.Read($bytes, $read, $bytes.Length - $read)
                if ($n -le 0) { break }
                $read += $n
            }
            New-Object PSObject -Property @{ Length = $length; Offset = $start; Bytes = $bytes }
        }
        finally { $stream.Dispose() }
    }
    'WriteTemporary' {
        $directory = [IO.Path]::GetDirectoryName($Path)
        $temporary = [IO.Path]::Combine($directory, ".$([IO.Path]::GetFileName($Path)).eckrc-$([guid]::NewGuid().ToString('N')).tmp")
        $created = $false
        try {
            $stream = New-ExclusiveStream $temporary ([IO.FileMode]::CreateNew) ([IO.FileAccess]::Write) $Mode
            $created = $true
            try {
                # Owner, group and mode (or the ACL) while the file is still empty: no content is ever readable by others.
                Set-Owner $temporary
                $stream.Write($Content, 0, $Content.Length)
                $stream.Flush($true)
            }
            finally { $stream.Dispose() }
            $temporary
        }
        catch {
            if ($created) { [IO.File]::Delete($temporary) }
            throw
        }
    }
    'Replace' {
        # $Path is the temporary, $Like the file it replaces, $Second the backup (or none).
        if ([IO.File]::Exists($Like)) { [IO.File]::Replace($Path, $Like, $(if ($Second) { $Second } else { $null }), $true) }
        else { [IO.File]::Move($Path, $Like) }
        # Fault-test seam, inert unless the node's sshd exports ECKREMOTECLUSTER_TEST_NODE_EXIT_FLAG (the remoting tests'
        # hosts do): when the file it names holds the path just replaced, it is removed and this session's process dies
        # before answering, as a connection lost after the node did the work.
        $flag = $env:ECKREMOTECLUSTER_TEST_NODE_EXIT_FLAG
        if ($flag -and [IO.File]::Exists($flag) -and [IO.File]::ReadAllText($flag).Trim() -eq $Like) {
            [IO.File]::Delete($flag)
            [Diagnostics.Process]::GetCurrentProcess().Kill()
        }
    }
    'Delete' { if ([IO.File]::Exists($Path)) { [IO.File]::Delete($Path) } }
    'FindTemporaries' {
        if ([IO.Directory]::Exists($Path)) {
            [string[]] @([IO.Directory]::GetFiles($Path, '.*.eckrc-*.tmp') | Where-Object { [IO.Path]::GetFileName($_) -like '.*.eckrc-*.tmp' } | Sort-Object)
        }
    }
    'Lock' {
        $lockPath = [IO.Path]::Combine($Path, '.eckremotecluster.lock')
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $delay = 20
        while ($true) {
            $existed = [IO.File]::Exists($lockPath)
            try {
                $stream = New-ExclusiveStream $lockPath ([IO.FileMode]::OpenOrCreate) ([IO.FileAccess]::ReadWrite) $(if ($null -ne $Mode) { [int] $Mode -band 0x1B6 })
                break
            }
            catch [IO.IOException] {
                if (-not [IO.File]::Exists($lockPath)) { throw }
                if ($clock.ElapsedMilliseconds -ge $TimeoutMs) { throw [TimeoutException]::new("The lock on $lockPath is held by another run.") }
                Start-Sleep -Milliseconds $delay
                $delay = [Math]::Min($delay * 2, 250)
            }
        }
        if (-not $existed -and -not $windows -and $null -ne $UserId -and [string](& id -u) -eq '0') { $Mode = $null; Set-Owner $lockPath }
        if (-not (Get-Variable -Scope Global -Name EckRemoteClusterLocks -ErrorAction SilentlyContinue)) { $global:EckRemoteClusterLocks = @{} }
        $token = [guid]::NewGuid().ToString('N')
        $global:EckRemoteClusterLocks[$token] = $stream
        $token
    }
    'Unlock' {
        $locks = Get-Variable -Scope Global -Name EckRemoteClusterLocks -ValueOnly -ErrorAction SilentlyContinue
        if ($locks -and $locks.ContainsKey($Path)) { $locks[$Path].Dispose(); $locks.Remove($Path) }
    }
    default { throw "Unknown node file operation [$Operation]." }
}

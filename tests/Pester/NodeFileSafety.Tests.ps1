# Node files on package-style layouts and under faults: owners, groups and modes kept (an `elasticsearch` system user
# and group, created here as root as CI runs), wildcards and repeated paths, nodes piped from
# Get-ElasticsearchNodeConfig, key values, trust beside an existing store, concurrent runs, and kill -9 at each write
# step of a two-node batch followed by the next run.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Fixtures = Join-Path (Get-RepositoryRoot) 'tests' 'EckRemoteCluster.Tests' 'NodeConfig' 'Fixtures'
    $script:IsRoot = $IsLinux -and ((id -u) -eq '0')
    if ($IsRoot) {
        if (-not (getent group elasticsearch)) { groupadd --system elasticsearch }
        if (-not (getent passwd elasticsearch)) { useradd --system --gid elasticsearch --no-create-home --shell /usr/sbin/nologin elasticsearch }
    }

    $script:Key = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
    $script:Yml = "# caf`u{e9} config`ncluster.name: local`nnode.name: NODE`npath.data: `${DATA_DIR}`n"

    function New-Node([string] $Name, [string] $Yml = $script:Yml) {
        $path = Join-Path $TestDrive $Name
        New-Item -ItemType Directory $path -Force | Out-Null
        Set-Content (Join-Path $path 'elasticsearch.yml') ($Yml -creplace 'NODE', $Name) -NoNewline
        Copy-Item (Join-Path $Fixtures 'v6-nopassword.keystore') (Join-Path $path 'elasticsearch.keystore')
        $path
    }

    function Get-Identity([string] $Path) { (stat -c '%U:%G %a' $Path) }

    function Get-Credential([string] $Node, [string] $Alias) {
        $entry = Get-ElasticsearchKeystore -ConfigPath $Node -Name "cluster.remote.$Alias.credentials"
        if ($entry) { [Net.NetworkCredential]::new('', $entry.Value).Password }
    }

    function Get-Leftover([string[]] $Nodes) {
        $Nodes | ForEach-Object { Get-ChildItem $_ -Force -Recurse -File } |
            Where-Object { $_.Name -like '.*.eckrc-*.tmp' -or $_.Name -eq '.eckremotecluster.journal' }
    }

    function New-TestCa {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=remote-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(300))
    }

    # A pwsh process (Start-PwshProcess: its own stdin pipe, its output copied as it comes) that runs
    # Add-RemoteClusterCredential; the environment can make it pause before a write step.
    function Start-CredentialRun([string[]] $Nodes, [string] $Alias, [hashtable] $Environment = @{}) {
        Start-PwshProcess -Environment $Environment -Script @"
Import-Module '$(Get-BuiltModuleManifest)'
`$key = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
Add-RemoteClusterCredential -Alias '$Alias' -ApiKey `$key -ConfigPath '$($Nodes -join "','")' | Out-Null
"@
    }
}

Describe 'Owners, groups and modes' -Skip:(-not $IsLinux) {
    It 'keeps <Owner> <Mode> on the keystore, yml and transport.p12 (setgid dir: <Setgid>), and gives the new CA file the yml''s' -ForEach @(
        @{ Owner = 'root:elasticsearch'; Mode = '660'; Setgid = $true }
        @{ Owner = 'root:elasticsearch'; Mode = '660'; Setgid = $false }
        @{ Owner = 'elasticsearch:elasticsearch'; Mode = '600'; Setgid = $false }
        @{ Owner = 'elasticsearch:elasticsearch'; Mode = '600'; Setgid = $true }
    ) {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'giving files another owner needs root (CI runs as root)'; return }
        $node = New-Node "own-$($Owner -replace ':', '-')-$Mode-$Setgid"
        chown -R $Owner $node
        chmod $Mode (Join-Path $node 'elasticsearch.keystore') (Join-Path $node 'elasticsearch.yml')
        chmod $(if ($Setgid) { '2750' } else { '0750' }) $node

        Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ConfigPath $node | Out-Null
        New-TestCa | Add-RemoteClusterTrust -ConfigPath $node | Out-Null

        Get-Identity (Join-Path $node 'elasticsearch.keystore') | Should -Be "$Owner $Mode"
        Get-Identity (Join-Path $node 'elasticsearch.keystore.bak') | Should -Be "$Owner $Mode"
        Get-Identity (Join-Path $node 'elasticsearch.yml') | Should -Be "$Owner $Mode"
        Get-Identity (Join-Path $node 'remote-cluster-ca.crt') | Should -Be "$Owner $Mode"
        Get-Identity (Join-Path $node '.eckremotecluster.lock') | Should -BeLike "$Owner *"
        @(Get-Leftover $node) | Should -BeNullOrEmpty
    }

    It 'edits the target of a linked keystore and yml and leaves the links' {
        $node = New-Node 'linked'
        $real = Join-Path $TestDrive 'linked-real'
        New-Item -ItemType Directory $real | Out-Null
        foreach ($name in 'elasticsearch.keystore', 'elasticsearch.yml') {
            Move-Item (Join-Path $node $name) (Join-Path $real $name)
            New-Item -ItemType SymbolicLink -Path (Join-Path $node $name) -Target (Join-Path $real $name) | Out-Null
        }

        Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ConfigPath $node | Out-Null
        New-TestCa | Add-RemoteClusterTrust -ConfigPath $node | Out-Null

        (Get-Item (Join-Path $node 'elasticsearch.keystore')).LinkType | Should -Be 'SymbolicLink'
        (Get-Item (Join-Path $node 'elasticsearch.yml')).LinkType | Should -Be 'SymbolicLink'
        Get-Credential $real alpha | Should -Not -BeNullOrEmpty
        Get-Content (Join-Path $real 'elasticsearch.yml') -Raw | Should -Match 'remote_cluster_client'
    }

    It 'keeps the yml''s Latin-1 byte, line endings and ${...} values' {
        $node = New-Node 'bytes'
        $yml = Join-Path $node 'elasticsearch.yml'
        $bytes = [byte[]](@(0xEF, 0xBB, 0xBF) + [Text.Encoding]::ASCII.GetBytes("# caf") + @(0xE9) + [Text.Encoding]::ASCII.GetBytes("`r`ncluster.name: local`r`npath.data: `${DATA_DIR}`r`n"))
        [IO.File]::WriteAllBytes($yml, $bytes)

        New-TestCa | Add-RemoteClusterTrust -ConfigPath $node | Out-Null

        $after = [IO.File]::ReadAllBytes($yml)
        [Convert]::ToHexString($after[0..($bytes.Length - 1)]) | Should -Be ([Convert]::ToHexString($bytes))
        [Text.Encoding]::ASCII.GetString($after, $bytes.Length, $after.Length - $bytes.Length) | Should -Match "^xpack[^\n]*\r\n"
    }
}

Describe 'Paths' {
    It 'writes every node a wildcard matches, and refuses one that matches nothing, changing nothing' {
        $a = New-Node 'wild-a'; $b = New-Node 'wild-b'
        $results = Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ConfigPath (Join-Path $TestDrive 'wild-*')
        $results.ConfigPath | Sort-Object | Should -Be @($a, $b)
        Get-Credential $b alpha | Should -Not -BeNullOrEmpty

        $before = Get-FileHash (Join-Path $a 'elasticsearch.keystore')
        { Add-RemoteClusterCredential -Alias beta -ApiKey $Key -ConfigPath $a, (Join-Path $TestDrive 'nothing-*') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        (Get-FileHash (Join-Path $a 'elasticsearch.keystore')).Hash | Should -Be $before.Hash
    }

    It 'writes a directory given as d, d/ and a link to d once, keeping the original as the backup' {
        $d = New-Node 'twice'
        $link = Join-Path $TestDrive 'twice-link'
        New-Item -ItemType SymbolicLink -Path $link -Target $d | Out-Null
        $original = (Get-FileHash (Join-Path $d 'elasticsearch.keystore')).Hash

        $results = @(Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ConfigPath $d, "$d/", $link)

        $results.Count | Should -Be 1
        (Get-FileHash (Join-Path $d 'elasticsearch.keystore.bak')).Hash | Should -Be $original
    }

    It 'refuses a run given no node at all (NodesNotGiven) instead of doing nothing' {
        { Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodesNotGiven,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand'
        { New-TestCa | Add-RemoteClusterTrust -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodesNotGiven,EckRemoteCluster.Commands.AddRemoteClusterTrustCommand'
    }

    It 'takes the nodes from Get-ElasticsearchNodeConfig by property name, all or none' {
        $a = New-Node 'piped-a'; $b = New-Node 'piped-b'
        $results = Get-ElasticsearchNodeConfig $a, $b | Add-RemoteClusterCredential -Alias alpha -ApiKey $Key
        $results.ConfigPath | Should -Be @($a, $b)

        $bad = New-Node 'piped-bad'
        Set-Content (Join-Path $bad 'elasticsearch.keystore') 'not a keystore'
        $before = (Get-FileHash (Join-Path $a 'elasticsearch.keystore')).Hash
        { Get-ElasticsearchNodeConfig $a, $bad | Add-RemoteClusterCredential -Alias beta -ApiKey $Key -ErrorAction Stop } | Should -Throw
        (Get-FileHash (Join-Path $a 'elasticsearch.keystore')).Hash | Should -Be $before

        $ca = New-TestCa
        $trust = Get-ElasticsearchNodeConfig $a, $b | Add-RemoteClusterTrust -CertificateAuthority $ca
        $trust.ConfigPath | Should -Be @($a, $b)
    }
}

Describe 'Key values' {
    It 'refuses <Name> and changes nothing' -ForEach @(
        @{ Name = 'an empty key'; Value = '' }
        @{ Name = 'a value that is not Base64'; Value = 'my-password' }
        @{ Name = 'a decoded id:secret'; Value = 'fakeKeyId01234567890:fakeSecret0123456789ab' }
        @{ Name = 'Base64 of something else'; Value = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('hello world')) }
    ) {
        $node = New-Node "key-$($Name -replace '\W', '')"
        $before = (Get-FileHash (Join-Path $node 'elasticsearch.keystore')).Hash
        $secret = if ($Value) { ConvertTo-SecureString $Value -AsPlainText -Force } else { [securestring]::new() }
        $err = { Add-RemoteClusterCredential -Alias alpha -ApiKey $secret -ConfigPath $node -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidApiKey,EckRemoteCluster.Commands.AddRemoteClusterCredentialCommand' -PassThru
        if ($Value) { $err.Exception.Message | Should -Not -BeLike "*$Value*" }
        (Get-FileHash (Join-Path $node 'elasticsearch.keystore')).Hash | Should -Be $before
    }
}

Describe 'Trust beside an existing store' {
    It 'adds the CA to the remote_cluster_client truststore instead of writing certificate_authorities' {
        $node = New-Node 'store' ("cluster.name: local`nxpack.security.remote_cluster_client.ssl.enabled: true`n" +
            "xpack.security.remote_cluster_client.ssl.truststore.path: client-trust.p12`n")
        $own = New-TestCa
        $collection = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $collection.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new($own.RawData)) | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $node 'client-trust.p12'), $collection.Export('Pkcs12', ''))
        $ymlBefore = Get-Content (Join-Path $node 'elasticsearch.yml') -Raw

        $ca = New-TestCa
        $result = $ca | Add-RemoteClusterTrust -ConfigPath $node

        $result.CaFile | Should -Be (Join-Path $node 'client-trust.p12')
        $result.RestartRequired | Should -BeFalse
        Get-Content (Join-Path $node 'elasticsearch.yml') -Raw | Should -Be $ymlBefore
        $store = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $store.Import((Join-Path $node 'client-trust.p12'), '', 'EphemeralKeySet')
        $store.Thumbprint | Should -Contain $ca.Thumbprint
    }
}

Describe 'Faults' {
    It 'loses no alias when two runs write the same nodes at once (10 trials)' {
        foreach ($trial in 1..10) {
            $a = New-Node "race$trial-a"; $b = New-Node "race$trial-b"
            $runs = (Start-CredentialRun @($a, $b) alpha), (Start-CredentialRun @($b, $a) beta)
            foreach ($run in $runs) {
                $ended = $run | Stop-PwshProcess -TimeoutSeconds 120
                $ended.ExitCode | Should -Be 0 -Because $ended.Error
            }
            foreach ($node in $a, $b) {
                Get-Credential $node alpha | Should -Not -BeNullOrEmpty -Because "trial $trial"
                Get-Credential $node beta | Should -Not -BeNullOrEmpty -Because "trial $trial"
            }
        }
    }

    It 'repairs a batch killed (-9) before <Step> on node <Node>, leaving no readable temporary' -ForEach @(
        @{ Step = 'prepare'; Node = 'a'; Finished = $false }
        @{ Step = 'journal'; Node = 'a'; Finished = $false }
        @{ Step = 'prepare'; Node = 'b'; Finished = $false }
        @{ Step = 'journal'; Node = 'b'; Finished = $false }
        @{ Step = 'commit'; Node = 'a'; Finished = $true }
        @{ Step = 'done'; Node = 'a'; Finished = $true }
        @{ Step = 'commit'; Node = 'b'; Finished = $true }
        @{ Step = 'done'; Node = 'b'; Finished = $true }
    ) {
        $a = New-Node "kill-$Step-$Node-a"; $b = New-Node "kill-$Step-$Node-b"
        if ($IsRoot) {
            foreach ($n in $a, $b) { chown -R elasticsearch:elasticsearch $n; chmod 600 (Join-Path $n 'elasticsearch.keystore') }
        }
        $marker = Join-Path $TestDrive "paused-$Step-$Node"
        $run = Start-CredentialRun @($a, $b) alpha @{
            ECKREMOTECLUSTER_TEST_PAUSE_BEFORE = $Step
            ECKREMOTECLUSTER_TEST_PAUSE_NODE   = "-$Node"
            ECKREMOTECLUSTER_TEST_PAUSE_MARKER = $marker
            # Killed at the pause; the limit only ends a run the test failed to kill.
            ECKREMOTECLUSTER_TEST_PAUSE_TIMEOUT = '180'
        }
        Wait-Condition { (Test-Path $marker) -or $run.Process.HasExited } -TimeoutSeconds 120 -Because "the run to reach $Step" | Out-Null
        $reached = Test-Path $marker
        $ended = $run | Stop-PwshProcess -Kill
        $reached | Should -BeTrue -Because $ended.Error

        # What the kill left: temporaries only as readable as the keystore itself.
        foreach ($temporary in Get-Leftover $a, $b | Where-Object Name -like '.elasticsearch.keystore*') {
            (stat -c '%a' $temporary.FullName) | Should -Be $(if ($IsRoot) { '600' } else { (stat -c '%a' (Join-Path $a 'elasticsearch.keystore')) })
            if ($IsRoot) { (stat -c '%U:%G' $temporary.FullName) | Should -Be 'elasticsearch:elasticsearch' }
        }

        # The next run settles the batch before anything else, and says so when there was a journal. The nodes are
        # prepared in parallel, so a kill before node b's prepare may find node a's journal written or not yet.
        $journaled = @(Get-ChildItem $a, $b -Force -Filter '.eckremotecluster.journal').Count -gt 0
        # The last node's journal, the commit point, is written only once every other node is prepared.
        if ($Node -eq 'a' -and $Step -in 'prepare', 'journal') { $journaled | Should -BeFalse }
        elseif (-not ($Node -eq 'b' -and $Step -eq 'prepare')) { $journaled | Should -BeTrue }
        $next = Add-RemoteClusterCredential -Alias gamma -ApiKey $Key -ConfigPath $a, $b -WarningVariable warnings 3>$null
        $next.Count | Should -Be 2
        if ($journaled) {
            $warnings -join "`n" | Should -Match $(if ($Finished) { 'Finished an interrupted change' } else { 'Undid an interrupted change' })
        }
        else {
            $warnings -join "`n" | Should -Not -Match 'interrupted change'
        }
        foreach ($n in $a, $b) {
            [bool](Get-Credential $n alpha) | Should -Be $Finished -Because "node $n"
            Get-Credential $n gamma | Should -Not -BeNullOrEmpty
        }
        @(Get-Leftover $a, $b) | Should -BeNullOrEmpty
        if ($IsRoot) { Get-Identity (Join-Path $a 'elasticsearch.keystore') | Should -Be 'elasticsearch:elasticsearch 600' }
    }
}

Describe 'A package-style node that reads its files as elasticsearch' -Skip:(-not $IsLinux) {
    BeforeAll {
        # The sandbox installs each config dir as the packages do (root:elasticsearch, 2750, 660) and its nodes read
        # their files as elasticsearch, failing to start on one they cannot read.
        $script:Sandbox = if ($IsRoot) { Start-TestSandbox -ArgumentList '--node-user', 'elasticsearch', '--local-nodes', '2' }
    }

    AfterAll {
        if ($script:Sandbox) { Stop-TestSandbox $script:Sandbox }
    }

    It 'restarts with what the module wrote as root, and does not start on a file that lost its group' {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'the sandbox can only read as another user when run as root (CI runs as root)'; return }
        $nodes = @($Sandbox.localCluster.nodes)
        $paths = @($nodes.configDir)
        Get-Identity (Join-Path $paths[0] 'elasticsearch.keystore') | Should -Be 'root:elasticsearch 660'

        Add-RemoteClusterCredential -Alias alpha -ApiKey $Key -ConfigPath $paths | Out-Null
        $trust = New-TestCa | Add-RemoteClusterTrust -ConfigPath $paths
        $trust.RestartRequired | Should -Be @($true, $true)
        foreach ($node in $nodes) {
            (Invoke-SandboxControl $Sandbox -Method POST -Path "/nodes/$($node.name)/restart").restarted | Should -Be $node.name
        }
        Get-Identity (Join-Path $paths[0] 'remote-cluster-ca.crt') | Should -Be 'root:elasticsearch 660'

        # What the module used to leave behind: root:root 660. Elasticsearch (here, the sandbox node) cannot read it.
        $keystore = Join-Path $paths[0] 'elasticsearch.keystore'
        chown root:root $keystore
        try {
            $err = { Invoke-SandboxControl $Sandbox -Method POST -Path "/nodes/$($nodes[0].name)/restart" } | Should -Throw -PassThru
            $err.ErrorDetails.Message | Should -BeLike "*AccessDeniedException: $keystore*"
        }
        finally {
            chown root:elasticsearch $keystore
        }
        (Invoke-SandboxControl $Sandbox -Method POST -Path "/nodes/$($nodes[0].name)/restart").restarted | Should -Be $nodes[0].name
    }
}

Describe 'Ctrl+C during the reload' {
    BeforeAll {
        $script:ReloadSandbox = Start-TestSandbox
        # A host that keeps what the cmdlet shows on it: after Ctrl+C (PowerShell.Stop()) the pipeline takes no more
        # records, and the host's UI is where the cmdlet says what it left.
        if (-not ('NodeFileSafety.CapturingHost' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
namespace NodeFileSafety {
public sealed class CapturingUI : PSHostUserInterface {
    public readonly List<string> Lines = new List<string>();
    public override PSHostRawUserInterface RawUI => null;
    public override string ReadLine() => "";
    public override SecureString ReadLineAsSecureString() => new SecureString();
    public override void Write(string value) { lock (Lines) Lines.Add(value); }
    public override void Write(ConsoleColor f, ConsoleColor b, string value) => Write(value);
    public override void WriteLine(string value) => Write(value);
    public override void WriteErrorLine(string value) => Write("ERROR: " + value);
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) => Write("WARNING: " + message);
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => defaultChoice;
}
public sealed class CapturingHost : PSHost {
    private readonly Guid _id = Guid.NewGuid();
    public readonly CapturingUI Capture = new CapturingUI();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "CapturingHost";
    public override PSHostUserInterface UI => Capture;
    public override Version Version => new Version(1, 0);
    public override void EnterNestedPrompt() { }
    public override void ExitNestedPrompt() { }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}
}
'@
        }
    }

    AfterAll {
        if ($script:ReloadSandbox) { Stop-TestSandbox $script:ReloadSandbox }
    }

    It 'says which keystores were written and what remains to do' {
        $local = $ReloadSandbox.localCluster
        $nodes = @($local.nodes.configDir)
        # The reload hangs, as on a busy cluster, so the run is stopped while waiting for it.
        Invoke-SandboxControl $ReloadSandbox -Method POST -Path '/faults' -Body @{
            target = 'local'; method = 'POST'; pathPattern = 'reload_secure_settings'; action = 'delay'; delayMs = 60000; count = 10
        } | Out-Null
        $testHost = [NodeFileSafety.CapturingHost]::new()
        $runspace = [runspacefactory]::CreateRunspace($testHost)
        $runspace.Open()
        $run = [powershell]::Create()
        $run.Runspace = $runspace
        try {
            $null = $run.AddScript({
                param($Manifest, $Local, $Nodes)
                Import-Module $Manifest
                $credential = [pscredential]::new($Local.username, (ConvertTo-SecureString $Local.elasticPassword -AsPlainText -Force))
                $connection = New-ElasticsearchConnection -Uri $Local.nodes[0].httpUri -Credential $credential -CertificateAuthority $Local.httpCaPath
                $key = ConvertTo-SecureString 'ZmFrZUtleUlkMDEyMzQ1Njc4OTA6ZmFrZVNlY3JldDAxMjM0NTY3ODlhYg==' -AsPlainText -Force
                Add-RemoteClusterCredential -Alias alpha -ApiKey $key -ConfigPath $Nodes -Connection $connection
            }).AddArgument((Get-BuiltModuleManifest)).AddArgument($local).AddArgument($nodes)
            $async = $run.BeginInvoke()

            # Both keystores saved (their .bak appears on commit): what follows is the reload, which the fault holds.
            $backups = $nodes | ForEach-Object { Join-Path $_ 'elasticsearch.keystore.bak' }
            $deadline = [DateTime]::UtcNow.AddSeconds(45)
            while ([DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted) {
                if (@($backups | Where-Object { Test-Path -LiteralPath $_ }).Count -eq $backups.Count) { break }
                Start-Sleep -Milliseconds 50
            }
            # (Nothing here may read $run.Streams while it runs: that waits for the pipeline.)
            $async.IsCompleted | Should -BeFalse -Because 'the run should be waiting for the reload'
            $run.Stop()
        }
        finally {
            Invoke-SandboxControl $ReloadSandbox -Method DELETE -Path '/faults' | Out-Null
            $run.Dispose()
            $runspace.Dispose()
        }

        $said = $testHost.Capture.Lines -join "`n"
        $said | Should -Match 'Stopped during the reload of secure settings'
        foreach ($node in $nodes) { $said | Should -Match ([regex]::Escape((Join-Path $node 'elasticsearch.keystore'))) }
        $said | Should -Match 'Remaining: the running nodes may not have reloaded it yet'
        $said | Should -Not -Match 'ZmFrZUtleUlk'
        foreach ($node in $nodes) { Get-Credential $node alpha | Should -Not -BeNullOrEmpty }
    }
}

# The figures of out/bench/summary.json that the import and workflow benches do not give: the first engine-loading
# cmdlet of a cold process, and writing one credential to the keystores of 2 and 10 nodes.

# A cold process that imports the module and runs the first cmdlet that loads the engine (reading a node's
# elasticsearch.yml), against one that only imports: the difference is the engine's load, JIT and first call.
function Invoke-FirstCmdletBench([string] $Root, [string] $ConfigDirectory, [int] $Runs = 9) {
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $pwsh = Get-PwshCommandLine
    $import = "Import-Module '$manifest'; exit 0"
    $firstCmdlet = "Import-Module '$manifest'; `$null = Get-ElasticsearchNodeConfig -ConfigPath '$ConfigDirectory'; exit 0"
    Measure-ColdStart $pwsh $firstCmdlet | Out-Null
    $importOnly = [Collections.Generic.List[double]]::new()
    $withCmdlet = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Runs; $i++) {
        $importOnly.Add((Measure-ColdStart $pwsh $import))
        $withCmdlet.Add((Measure-ColdStart $pwsh $firstCmdlet))
    }
    [math]::Round((Get-Median $withCmdlet) - (Get-Median $importOnly))
}

# Add-RemoteClusterCredential without -Connection (files only, no reload) on N copies of a sandbox node's config
# directory, in one warm process: the keystore reads, key derivations and atomic writes, node count by node count.
# Copies of one keystore share its salt, so the module derives their key once, as for nodes cloned from one image;
# with -DistinctSalts each copy's keystore is first written again with a salt of its own (by the sandbox's keystore
# code, which draws a new salt per save as Elasticsearch does), as on nodes installed one by one: one derivation per
# node, run in parallel.
function Invoke-KeystoreBench([string] $Root, [string] $NodeConfigDirectory, [int[]] $NodeCounts = @(2, 10), [int] $Runs = 5, [switch] $DistinctSalts) {
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $work = Join-Path $Root 'out' 'bench' ($DistinctSalts ? 'keystore-distinct' : 'keystore')
    if (Test-Path $work) { Remove-Item $work -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $work
    $copies = foreach ($index in 0..(($NodeCounts | Measure-Object -Maximum).Maximum)) {
        $copy = Join-Path $work "node-$index"
        Copy-Item $NodeConfigDirectory $copy -Recurse
        $copy
    }
    if ($DistinctSalts) { Set-DistinctKeystoreSalts -SandboxAssembly (Get-SandboxAssembly $Root) -ConfigDirectories $copies }
    $script = @'
param([string] $Manifest, [string] $Copies, [string] $NodeCounts, [int] $Runs)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Manifest
$nodeDirectories = $Copies -split [IO.Path]::PathSeparator
# A key of Elasticsearch's shape (20-character id, 22-character secret); it never reaches a cluster.
function New-BenchKey([int] $Seed) {
    $id = ('b{0:D19}' -f $Seed); $secret = ('s{0:D21}' -f $Seed)
    ConvertTo-SecureString ([Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes("${id}:$secret"))) -AsPlainText -Force
}
# Warm-up on the spare copy: the engine is loaded and JIT-compiled before anything is timed.
Add-RemoteClusterCredential -Alias bench -ApiKey (New-BenchKey 0) -ConfigPath $nodeDirectories[0] -Confirm:$false | Out-Null
# The process keeps keys derived in the last 2 minutes (DerivedKeyCache), so without this every run after the first
# would time a cache hit; cleared before each timed run, each run derives its keys as a cmdlet run on its own does.
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'EckRemoteCluster.Engine' }
$cacheType = $engine.GetType('EckRemoteCluster.Engine.NodeConfig.DerivedKeyCache', $true)
$processCache = $cacheType.GetProperty('Process').GetValue($null)
$clearCache = $cacheType.GetMethod('Clear')
$seed = 1
# One line of JSON on stdout: the parent reads this process's output as text.
@(foreach ($count in $NodeCounts -split ',') {
    $nodes = $nodeDirectories[1..[int]$count]
    $times = foreach ($run in 1..$Runs) {
        $key = New-BenchKey $seed; $seed++
        $null = $clearCache.Invoke($processCache, $null)
        (Measure-Command { Add-RemoteClusterCredential -Alias bench -ApiKey $key -ConfigPath $nodes -Confirm:$false | Out-Null }).TotalMilliseconds
    }
    [pscustomobject]@{ Nodes = [int]$count; Ms = @($times) }
}) | ConvertTo-Json -Compress
'@
    $scriptFile = Join-Path $work 'keystore-bench.ps1'
    Set-Content -Path $scriptFile -Value $script
    $pwsh = Get-PwshCommandLine
    $json = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scriptFile $manifest `
        ($copies -join [IO.Path]::PathSeparator) ($NodeCounts -join ',') $Runs
    if ($LASTEXITCODE -ne 0) { throw "The keystore bench failed with exit code $LASTEXITCODE." }
    $results = @{}
    foreach ($row in (($json -join '') | ConvertFrom-Json)) { $results[[int]$row.Nodes] = [math]::Round((Get-Median ([double[]]$row.Ms))) }
    $results
}

# Writes each node's keystore again with its own salt (same entries, version and, here, no password), in a child pwsh
# that loads the sandbox's keystore code.
function Set-DistinctKeystoreSalts([string] $SandboxAssembly, [string[]] $ConfigDirectories) {
    $tool = @'
param([string] $Assembly, [string] $Directories)
$ErrorActionPreference = 'Stop'
Add-Type -Path $Assembly
$keystore = [Sandbox.Elasticsearch.Local.ElasticsearchKeystore]
foreach ($directory in $Directories -split [IO.Path]::PathSeparator) {
    $path = Join-Path $directory 'elasticsearch.keystore'
    $contents = $keystore::Read([IO.File]::ReadAllBytes($path), '')
    [IO.File]::WriteAllBytes($path, $keystore::Write($contents.Entries, '', $contents.FormatVersion))
}
'@
    $file = Join-Path ([IO.Path]::GetTempPath()) "eckrc-salts-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content -Path $file -Value $tool
    try {
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file $SandboxAssembly ($ConfigDirectories -join [IO.Path]::PathSeparator) 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Writing the keystores with salts of their own failed: $($output -join "`n")" }
    }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
}

# The 1-, 5- and 15-minute load averages now, as text ('n/a' off Linux): printed beside each Bench piece, since on a
# shared machine a figure means something only next to the load it was taken at.
function Get-LoadAverageText {
    if ($IsLinux) { ((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' ' } else { 'n/a' }
}

function Get-BenchMachine {
    [ordered]@{
        cores      = [Environment]::ProcessorCount
        memoryGiB  = [math]::Round((Get-TotalMemoryBytes) / 1GB)
        os         = [Runtime.InteropServices.RuntimeInformation]::OSDescription
        powershell = "$($PSVersionTable.PSVersion)"
        # The .NET tool package is IL only; the release packages are ReadyToRun (ReadyToRunPwsh.ps1).
        powershellReadyToRun = Test-ReadyToRunImage (Join-Path $PSHOME 'System.Management.Automation.dll')
        dotnet     = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        loadAverageAtStart = if ($IsLinux) { (Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3 } else { $null }
    }
}

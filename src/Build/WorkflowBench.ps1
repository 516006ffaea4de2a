# The Bench task's workflow measurement: the module's whole pipeline (the demo's steps) and the documented manual
# procedure (kubectl, curl and file edits), each on a fresh sandbox started with --rollout instant, so that neither
# side waits on simulated pod restarts and neither inherits the other's state. Counted from the sandbox's request
# log: every request either side sends to the Kubernetes API or to an Elasticsearch node.
#
# Also dot-sourced by tests/Pester/Bench.Tests.ps1, so the functions below take a parsed sandbox.json and start
# nothing themselves except the child processes of the step they run.

# Written to a file and run in a fresh pwsh, so the module is imported as a user would import it and the bench
# process's own state (loaded assemblies, KUBECONFIG) cannot help or hinder it. The clock starts after
# Import-Module: import cost is measured on its own above. Its only output is one JSON line. (A function rather than
# a $script: variable, so that dot-sourcing it from a Pester block works the same as from build.ps1.)
function Get-ModulePipelineScript {
@'
param([string] $SandboxJson, [string] $ModuleManifest)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$sandbox = Get-Content $SandboxJson -Raw | ConvertFrom-Json -Depth 20
$env:KUBECONFIG = $sandbox.kubeconfig
Import-Module $ModuleManifest
$configPaths = @($sandbox.localCluster.nodes.configDir)
$steps = [Collections.Generic.List[object]]::new()
# Each step's end, in Unix milliseconds, lets the bench attribute every logged request to the step that sent it.
function Step([string] $Name, [scriptblock] $Run) {
    $result = & $Run
    $steps.Add([ordered]@{ name = $Name; end = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() })
    $result
}
$start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
$watch = [Diagnostics.Stopwatch]::StartNew()
$eck = Step 'Get-EckCluster' { Get-EckCluster -Namespace elastic -Name quickstart }
# As the README orders it: Enable returns once ECK has the change, and ECK's rolling restart goes on while the CA,
# the key and the local nodes' files and restarts are done; Publish then waits until the address accepts connections
# (ECK's first restarted node) and Connect-RemoteCluster until the remote is connected.
$eck = Step 'Enable-EckRemoteClusterServer' { $eck | Enable-EckRemoteClusterServer -Force }
$ca = Step 'Get-EckTransportCa' { $eck | Get-EckTransportCa }
$remote = Step 'New-ElasticsearchConnection (ECK)' { $eck | New-ElasticsearchConnection }
$key = Step 'New-CrossClusterApiKey' { $remote | New-CrossClusterApiKey -Name bench-module -Alias eck -SearchIndex 'logs-*' }
$credential = [pscredential]::new($sandbox.localCluster.username, (ConvertTo-SecureString $sandbox.localCluster.elasticPassword -AsPlainText -Force))
$local = Step 'New-ElasticsearchConnection (local)' { New-ElasticsearchConnection -Uri $sandbox.localCluster.nodes.httpUri -Credential $credential -CertificateAuthority $sandbox.localCluster.httpCaPath }
$null = Step 'Add-RemoteClusterCredential -Connection' { $key | Add-RemoteClusterCredential -Alias eck -ConfigPath $configPaths -Connection $local }
$trust = Step 'Add-RemoteClusterTrust' { $ca | Add-RemoteClusterTrust -ConfigPath $configPaths -WarningAction SilentlyContinue }
$restarted = 0
$null = Step 'restart nodes (control API)' {
    foreach ($node in $trust | Where-Object RestartRequired) {
        $name = (Get-ElasticsearchNodeConfig $node.ConfigPath).NodeName
        $null = Invoke-RestMethod -Method Post -Uri "$($sandbox.controlApi)/nodes/$name/restart"
        $script:restarted++
    }
}
$endpoint = Step 'Publish-EckRemoteClusterServer' { $eck | Publish-EckRemoteClusterServer -Type LoadBalancer }
$null = Step 'Connect-RemoteCluster' { $endpoint | Connect-RemoteCluster -Connection $local -Alias eck }
$test = Step 'Test-RemoteCluster -SearchIndex' { Test-RemoteCluster -Connection $local -Alias eck -ConfigPath $configPaths -SearchIndex 'logs-*' }
$watch.Stop()
# What a person types: one line per cmdlet above, Get-Credential for the local password, one restart per node.
$typed = 11 + 1 + $restarted
[ordered]@{
    start = $start; elapsedMs = $watch.Elapsed.TotalMilliseconds; steps = $steps; typed = $typed
    connected = [bool] $test.Connected; hits = [int] $test.SearchHits
} | ConvertTo-Json -Compress -Depth 5
'@
}

function Get-SandboxRequestLog($Sandbox) {
    # Invoke-RestMethod returns a JSON array as one object; @() of the variable enumerates it into entries.
    $entries = Invoke-RestMethod -Uri "$($Sandbox.controlApi)/requests"
    @($entries)
}

function Clear-SandboxRequestLog($Sandbox) {
    $null = Invoke-RestMethod -Method Delete -Uri "$($Sandbox.controlApi)/requests"
}

# Request times arrive as DateTime (ConvertFrom-Json parses ISO dates) or as strings; compare them as Unix ms.
function ConvertTo-UnixMilliseconds($Time) {
    if ($Time -is [datetime]) { return [DateTimeOffset]::new($Time.ToUniversalTime()).ToUnixTimeMilliseconds() }
    [DateTimeOffset]::Parse([string] $Time, [Globalization.CultureInfo]::InvariantCulture).ToUnixTimeMilliseconds()
}

<#
Indexes the documents both sides' cross-cluster search must find. Done before the request log is cleared, so it is
in neither side's count: on a real cluster the data is already there.
#>
function Initialize-BenchData($Sandbox, [string] $WorkDirectory) {
    # Its own kubectl cache: it must not warm the manual side's discovery cache, nor write into ~/.kube.
    $cache = Join-Path $WorkDirectory 'kube-cache-setup'
    $secret = $null | & kubectl --kubeconfig $Sandbox.kubeconfig --cache-dir $cache -n elastic get secret quickstart-es-elastic-user -o 'go-template={{.data.elastic | base64decode}}'
    if ($LASTEXITCODE -ne 0) { throw 'kubectl could not read the elastic user secret.' }
    $credential = [pscredential]::new('elastic', (ConvertTo-SecureString $secret -AsPlainText -Force))
    $uri = $Sandbox.eckNodes.'elastic/quickstart'.httpUri
    foreach ($i in 1..3) {
        $null = Invoke-RestMethod -Method Put -Uri "$uri/logs-bench/_doc/$($i)?refresh=true" -Authentication Basic -Credential $credential `
            -SkipCertificateCheck -ContentType 'application/json' -Body (@{ message = "bench document $i" } | ConvertTo-Json)
    }
}

function Invoke-ModulePipelineRun {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $SandboxJson, [Parameter(Mandatory)] [string] $ModuleManifest)
    $file = Join-Path ([IO.Path]::GetTempPath()) "eckrc-bench-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content -Path $file -Value (Get-ModulePipelineScript)
    try {
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -OutputFormat Text -File $file -SandboxJson $SandboxJson -ModuleManifest $ModuleManifest 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The module pipeline failed (exit code $LASTEXITCODE): $($output -join "`n")" }
    }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
    $result = ($output | Select-Object -Last 1) | ConvertFrom-Json
    [pscustomobject]@{
        Side = 'module'; Start = $result.start; ElapsedMs = $result.elapsedMs; Typed = $result.typed
        Steps = @($result.steps | ForEach-Object { [pscustomobject]@{ Name = $_.name; End = [long] $_.end } })
        Connected = $result.connected; Hits = $result.hits; Notes = @()
    }
}

<#
The documented procedure (seed-connect-self-managed-to-eck.md, eck-facts.md), scripted command by command with real
kubectl and curl. Each Invoke-ManualCommand is one command a person types; the curl polling of _remote/info is typed
once and repeated. Time spent reading docs, copying values and logging on to each node is not in the wall time, so
the manual side's figure is a lower bound.
#>
function Invoke-ManualProcedureRun {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $WorkDirectory, [Parameter(Mandatory)] [string] $SandboxAssembly,
        [int] $ConnectTimeoutSeconds = 60)

    $kubeconfig = $Sandbox.kubeconfig
    $steps = [Collections.Generic.List[object]]::new()
    $typed = @{ Count = 0 }   # a hashtable, so the nested functions below change this one and not a copy
    # Every child gets an empty stdin (nothing may wait on ours) and must succeed; a step records when it ended.
    function Invoke-ManualCommand([string] $Name, [string] $Command, [string[]] $Arguments, [switch] $Repeat) {
        if (-not $Repeat) { $typed.Count++ }
        $output = $null | & $Command @Arguments
        if ($LASTEXITCODE -ne 0) { throw "$Name failed: $Command $($Arguments -join ' ') (exit code $LASTEXITCODE): $output" }
        $steps.Add([pscustomobject]@{ Name = $Name; End = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() })
        $output -join "`n"
    }
    # A step that is a file edit or a tool run on the node, not a network command; counted as typed all the same.
    function Invoke-ManualEdit([string] $Name, [scriptblock] $Edit) {
        $typed.Count++
        & $Edit
        $steps.Add([pscustomobject]@{ Name = $Name; End = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() })
    }
    # A discovery cache of its own that starts empty, so the count does not depend on what ~/.kube/cache holds: the
    # first kubectl command fetches the API discovery documents, as it does on a machine new to the cluster.
    $k = @('--kubeconfig', $kubeconfig, '--cache-dir', (Join-Path $WorkDirectory 'kube-cache'), '-n', 'elastic')
    $esHost = 'quickstart-es-http.elastic.svc:9200'
    # sandbox.json's httpUri is the ECK cluster's HTTP endpoint (what kubectl port-forward gives a person); the
    # certificate names the Service, so curl connects there while verifying that name against the ECK HTTP CA.
    $connectTo = "$($esHost):$(([uri] $Sandbox.eckNodes.'elastic/quickstart'.httpUri).Authority)"
    $transportCa = Join-Path $WorkDirectory 'eck_transport_ca.crt'
    $httpCa = Join-Path $WorkDirectory 'eck_http_ca.crt'
    $local = $Sandbox.localCluster
    $localUri = $local.nodes[0].httpUri
    $localAuth = "$($local.username):$($local.elasticPassword)"
    $notes = [Collections.Generic.List[string]]::new()

    $start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    $watch = [Diagnostics.Stopwatch]::StartNew()

    # ECK side: enable the remote cluster server (a rolling restart) and wait until ECK has rolled it out. The wait is
    # on the ReconciliationComplete condition, not on `--for=jsonpath={.status.phase}=Ready`: kubectl checks a
    # condition only once status.observedGeneration has reached metadata.generation (kubernetes/kubectl
    # pkg/cmd/wait/condition.go, checkCondition and getObservedGeneration), while a jsonpath wait compares the field
    # alone (pkg/cmd/wait/json.go) and so returns at once on the Ready the status still shows from before the patch.
    # ECK reports ReconciliationComplete False, phase ApplyingChanges, until its reconciliation, the rolling restart
    # included, is done (elastic/cloud-on-k8s pkg/controller/elasticsearch/elasticsearch_controller.go), and creates
    # the remote cluster Service in that reconciliation, so the Service exists once this returns.
    $null = Invoke-ManualCommand 'kubectl patch (enable)' kubectl ($k + @('patch', 'elasticsearch', 'quickstart', '--type', 'merge', '-p', '{"spec":{"remoteClusterServer":{"enabled":true}}}'))
    $null = Invoke-ManualCommand 'kubectl wait (rolled out)' kubectl ($k + @('wait', 'elasticsearch/quickstart', '--for=condition=ReconciliationComplete', '--timeout=300s'))
    # ECK 3.3+: the Service template (eck-facts.md 3); before 3.3 this is `kubectl expose` of a second Service.
    $null = Invoke-ManualCommand 'kubectl patch (LoadBalancer)' kubectl ($k + @('patch', 'elasticsearch', 'quickstart', '--type', 'merge', '-p', '{"spec":{"remoteClusterServer":{"service":{"spec":{"type":"LoadBalancer"}}}}}'))
    $null = Invoke-ManualCommand 'kubectl wait (LB address)' kubectl ($k + @('wait', 'service/quickstart-es-remote-cluster', '--for=jsonpath={.status.loadBalancer.ingress}', '--timeout=120s'))
    $address = Invoke-ManualCommand 'kubectl get service (address)' kubectl ($k + @('get', 'service', 'quickstart-es-remote-cluster', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}'))
    $pem = Invoke-ManualCommand 'kubectl get secret (transport CA)' kubectl ($k + @('get', 'secret', 'quickstart-es-transport-certs-public', '-o', 'go-template={{index .data "ca.crt" | base64decode}}'))
    Set-Content -Path $transportCa -Value $pem   # the `> eck_transport_ca.crt` of the same command
    $httpPem = Invoke-ManualCommand 'kubectl get secret (HTTP CA)' kubectl ($k + @('get', 'secret', 'quickstart-es-http-certs-public', '-o', 'go-template={{index .data "ca.crt" | base64decode}}'))
    Set-Content -Path $httpCa -Value $httpPem
    $password = Invoke-ManualCommand 'kubectl get secret (elastic password)' kubectl ($k + @('get', 'secret', 'quickstart-es-elastic-user', '-o', 'go-template={{.data.elastic | base64decode}}'))

    # The cross-cluster API key, created on the ECK cluster; the person copies `encoded` from the answer.
    $body = '{"name":"bench-manual","access":{"search":[{"names":["logs-*"]}]}}'
    $answer = Invoke-ManualCommand 'curl POST _security/cross_cluster/api_key' curl @('-sS', '--fail-with-body', '--cacert', $httpCa, '--connect-to', $connectTo,
        '-u', "elastic:$password", '-X', 'POST', "https://$esHost/_security/cross_cluster/api_key", '-H', 'Content-Type: application/json', '-d', $body)
    $encoded = ($answer | ConvertFrom-Json).encoded

    # Every self-managed node: the CA file, the two static settings, the keystore entry, then a restart (the
    # restart also loads the new keystore entry, so no reload_secure_settings is needed).
    foreach ($node in $local.nodes) {
        $config = $node.configDir
        Invoke-ManualEdit "cp remote-cluster-ca.crt ($($node.name))" { Copy-Item $transportCa (Join-Path $config 'remote-cluster-ca.crt') }
        Invoke-ManualEdit "edit elasticsearch.yml ($($node.name))" {
            Add-Content -Path (Join-Path $config 'elasticsearch.yml') -Value @(
                ''
                'xpack.security.remote_cluster_client.ssl.enabled: true'
                'xpack.security.remote_cluster_client.ssl.certificate_authorities: [ "remote-cluster-ca.crt" ]')
        }
        Invoke-ManualEdit "elasticsearch-keystore add ($($node.name))" { Add-SandboxKeystoreEntry -SandboxAssembly $SandboxAssembly -ConfigDirectory $config -Name 'cluster.remote.eck.credentials' -Value $encoded -Password $node.keystorePassword }
        $null = Invoke-ManualCommand "restart $($node.name) (control API)" curl @('-sS', '--fail-with-body', '-X', 'POST', "$($Sandbox.controlApi)/nodes/$($node.name)/restart")
    }

    # Register the remote in proxy mode, then poll until connected, as the docs' last step says to check.
    $settings = @{ persistent = @{ cluster = @{ remote = @{ eck = @{ mode = 'proxy'; proxy_address = "$($address):9443"; server_name = 'quickstart-es-remote-cluster.elastic.svc' } } } } } | ConvertTo-Json -Depth 10 -Compress
    $null = Invoke-ManualCommand 'curl PUT _cluster/settings' curl @('-sS', '--fail-with-body', '--cacert', $local.httpCaPath, '-u', $localAuth, '-X', 'PUT',
        "$localUri/_cluster/settings", '-H', 'Content-Type: application/json', '-d', $settings)
    $deadline = [DateTime]::UtcNow.AddSeconds($ConnectTimeoutSeconds)
    $polls = 0
    do {
        if ($polls -gt 0) { Start-Sleep -Seconds 1 }   # a person re-runs the command about once a second at best
        $info = Invoke-ManualCommand 'curl GET _remote/info (until connected)' curl @('-sS', '--fail-with-body', '--cacert', $local.httpCaPath, '-u', $localAuth, "$localUri/_remote/info") -Repeat:($polls -gt 0)
        $polls++
        $connected = [bool] ($info | ConvertFrom-Json).eck.connected
    } until ($connected -or [DateTime]::UtcNow -gt $deadline)
    $hits = 0
    if ($connected) {
        $search = Invoke-ManualCommand 'curl GET eck:logs-*/_search' curl @('-sS', '--fail-with-body', '--cacert', $local.httpCaPath, '-u', $localAuth, "$localUri/eck:logs-*/_search")
        $hits = [int] ($search | ConvertFrom-Json).hits.total.value
    }
    $watch.Stop()
    $notes.Add("_remote/info polled $polls time(s), 1 s apart")

    [pscustomobject]@{
        Side = 'manual'; Start = $start; ElapsedMs = $watch.Elapsed.TotalMilliseconds; Typed = $typed.Count
        Steps = @($steps | Group-Object Name | ForEach-Object { [pscustomobject]@{ Name = $_.Name; End = ($_.Group | Measure-Object End -Maximum).Maximum } } | Sort-Object End)
        Connected = $connected; Hits = $hits; Notes = @($notes)
    }
}

<#
The stand-in for `bin/elasticsearch-keystore add <name>` on one node: there is no Elasticsearch install here, and the
manual side must not borrow the module's own keystore writer. So it uses the sandbox's keystore format code (the
code the sandbox's nodes read their keystore with), in a child pwsh process, as the real tool is one process per
run. It keeps every existing entry and the file's format version and password, as the real tool does.
#>
function Add-SandboxKeystoreEntry {
    param([string] $SandboxAssembly, [string] $ConfigDirectory, [string] $Name, [string] $Value, [string] $Password)
    $tool = @'
$ErrorActionPreference = 'Stop'
Add-Type -Path $env:BENCH_SANDBOX_DLL
$keystore = [Sandbox.Elasticsearch.Local.ElasticsearchKeystore]
$path = Join-Path $env:BENCH_CONFIG 'elasticsearch.keystore'
$contents = $keystore::Read([IO.File]::ReadAllBytes($path), $env:BENCH_KEYSTORE_PASSWORD)
$entries = [Collections.Generic.Dictionary[string, byte[]]]::new($contents.Entries)
$entries[$env:BENCH_ENTRY] = [Text.Encoding]::UTF8.GetBytes($env:BENCH_VALUE)
[IO.File]::WriteAllBytes("$path.tmp", $keystore::Write($entries, $env:BENCH_KEYSTORE_PASSWORD, $contents.FormatVersion))
Move-Item "$path.tmp" $path -Force
'@
    $environment = @{
        BENCH_SANDBOX_DLL = $SandboxAssembly; BENCH_CONFIG = $ConfigDirectory; BENCH_ENTRY = $Name
        BENCH_VALUE = $Value; BENCH_KEYSTORE_PASSWORD = [string] $Password
    }
    $saved = @{}
    try {
        # The value goes through the environment, not the command line (which other users can read), and not stdin
        # (every child gets an empty one).
        foreach ($key in $environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $environment[$key]) }
        $pwsh = Get-PwshCommandLine
        $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $tool 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The keystore stand-in failed for $ConfigDirectory`: $($output -join "`n")" }
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
    }
}

# Splits a run's request log by target and by the step that sent it (the first step whose end is at or after it).
function Measure-RequestLog($Run, [object[]] $Entries) {
    $kubernetes = @($Entries | Where-Object target -eq 'kubernetes')
    $elasticsearch = @($Entries | Where-Object target -ne 'kubernetes')
    $eckNodePattern = '^quickstart-es-'
    $previous = $Run.Start
    $perStep = foreach ($step in $Run.Steps) {
        [pscustomobject]@{ Step = $step.Name; Ms = $step.End - $previous; Kubernetes = 0; Elasticsearch = 0; Mutating = 0; Requests = [Collections.Generic.List[string]]::new() }
        $previous = $step.End
    }
    foreach ($entry in $Entries) {
        $at = ConvertTo-UnixMilliseconds $entry.time
        $index = 0
        while ($index -lt $Run.Steps.Count - 1 -and $Run.Steps[$index].End -lt $at) { $index++ }
        $row = $perStep[$index]
        if ($entry.target -eq 'kubernetes') { $row.Kubernetes++ } else { $row.Elasticsearch++ }
        if ($entry.mutating) { $row.Mutating++ }
        $row.Requests.Add("$($entry.method) $($entry.path -replace '\?.*$', '') -> $($entry.target) $($entry.status)")
    }
    [pscustomobject]@{
        Side = $Run.Side; WallSeconds = $Run.ElapsedMs / 1000; Total = $Entries.Count
        Kubernetes = $kubernetes.Count; KubernetesMutating = @($kubernetes | Where-Object mutating).Count
        Elasticsearch = $elasticsearch.Count
        EckElasticsearch = @($elasticsearch | Where-Object { $_.target -match $eckNodePattern }).Count
        LocalElasticsearch = @($elasticsearch | Where-Object { $_.target -notmatch $eckNodePattern }).Count
        Mutating = @($Entries | Where-Object mutating).Count
        Typed = $Run.Typed; Connected = $Run.Connected; Hits = $Run.Hits; PerStep = @($perStep); Notes = $Run.Notes
    }
}

<#
One side on one sandbox that this function does not own: seeds the data, clears the log, runs the side, reads the
log. Used by the Bench task (fresh sandbox per call) and by tests/Pester/Bench.Tests.ps1.
#>
function Invoke-WorkflowSide {
    param([Parameter(Mandatory)] [ValidateSet('module', 'manual')] [string] $Side, [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [string] $SandboxJson, [string] $ModuleManifest, [Parameter(Mandatory)] [string] $WorkDirectory,
        [string] $SandboxAssembly)
    Initialize-BenchData $Sandbox $WorkDirectory
    Clear-SandboxRequestLog $Sandbox
    $run = if ($Side -eq 'module') {
        Invoke-ModulePipelineRun -Sandbox $Sandbox -SandboxJson $SandboxJson -ModuleManifest $ModuleManifest
    }
    else {
        Invoke-ManualProcedureRun -Sandbox $Sandbox -WorkDirectory $WorkDirectory -SandboxAssembly $SandboxAssembly
    }
    # A request is logged as the sandbox's handler ends, which can be just after the client had its answer: the log is
    # read once every request the steps made is in it.
    $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.controlApi)/requests/wait?timeoutSeconds=60"
    Measure-RequestLog $run (Get-SandboxRequestLog $Sandbox)
}

function Format-Range([double[]] $Values, [string] $Format = '0') {
    $min = ($Values | Measure-Object -Minimum).Minimum
    $max = ($Values | Measure-Object -Maximum).Maximum
    $median = Get-Median $Values
    if ($min -eq $max) { return $median.ToString($Format, [Globalization.CultureInfo]::InvariantCulture) }
    '{0} ({1}–{2})' -f $median.ToString($Format, [Globalization.CultureInfo]::InvariantCulture),
        $min.ToString($Format, [Globalization.CultureInfo]::InvariantCulture), $max.ToString($Format, [Globalization.CultureInfo]::InvariantCulture)
}

<#
A --seed for a sandbox whose load balancer addresses (127.0.<subnet>.n, subnet drawn from the seed) differ from those
of a sandbox started without one (seed 0, subnet 185), such as the test suite's: two sandboxes in one subnet both
hand out 127.0.185.2:9443, only the first can listen there, and the second's remote cluster connects to the first's
ECK cluster. System.Random with a seed is the same sequence here as in the sandbox.
#>
function Get-SandboxSeed {
    $taken = [Random]::new(0).Next(16, 250)
    do { $seed = [Random]::Shared.Next(1, [int]::MaxValue) } while ([Random]::new($seed).Next(16, 250) -eq $taken)
    $seed
}

function Invoke-WorkflowBench {
    param([string] $Root, [int] $Runs = 3, [ValidateSet('instant', 'realistic')] [string] $Rollout = 'instant')
    Build-Sandbox $Root
    $manifest = Join-Path (Get-ModuleOutputPath $Root) 'EckRemoteCluster.psd1'
    $benchRoot = Join-Path $Root 'out' 'bench'
    $results = [Collections.Generic.List[object]]::new()
    # Interleaved, a fresh sandbox per run and side, so a busy moment on the machine hits both sides alike.
    for ($i = 1; $i -le $Runs; $i++) {
        foreach ($side in 'module', 'manual') {
            $state = New-Item -ItemType Directory -Path (Join-Path $benchRoot "$side-$Rollout-$i") -Force
            $sandbox = Start-DemoSandbox -Root $Root -StateDirectory $state.FullName -Arguments @('--rollout', $Rollout, '--seed', (Get-SandboxSeed))
            try {
                $result = Invoke-WorkflowSide -Side $side -Sandbox $sandbox.Description -SandboxJson (Join-Path $state.FullName 'sandbox.json') `
                    -ModuleManifest $manifest -WorkDirectory $state.FullName -SandboxAssembly (Get-SandboxAssembly $Root)
                if (-not $result.Connected -or $result.Hits -lt 1) { throw "The $side run $i did not end connected with documents (hits: $($result.Hits)); see $($state.FullName)." }
                $results.Add($result)
                Write-Host ("  run {0} {1,-6}: {2,6:0.00} s, {3} requests" -f $i, $side, $result.WallSeconds, $result.Total)
            }
            finally { Stop-DemoSandbox $sandbox }
        }
    }
    $results
}

function Show-WorkflowBench([object[]] $Results) {
    $module = @($Results | Where-Object Side -eq 'module')
    $manual = @($Results | Where-Object Side -eq 'manual')
    # measure, property, format; each row a [string[]] so the list is not flattened into one array of strings.
    $rows = [string[][]] @(
        ('wall time (s)', 'WallSeconds', '0.00'),
        ('requests, total', 'Total', '0'),
        ('  Kubernetes API', 'Kubernetes', '0'),
        ('    of which mutating', 'KubernetesMutating', '0'),
        ('  Elasticsearch', 'Elasticsearch', '0'),
        ('    ECK cluster', 'EckElasticsearch', '0'),
        ('    self-managed cluster', 'LocalElasticsearch', '0'),
        ('mutating requests', 'Mutating', '0'),
        ('commands/steps typed', 'Typed', '0')
    )
    $rows | ForEach-Object {
        [pscustomobject]@{
            measure = $_[0]
            module  = Format-Range ($module | ForEach-Object $_[1]) $_[2]
            manual  = Format-Range ($manual | ForEach-Object $_[1]) $_[2]
        }
    } | Format-Table -AutoSize | Out-Host
    Write-Host "Manual: $(($manual | Select-Object -First 1).Notes -join '; '). Median (min–max) of $($module.Count) run(s) per side."
    foreach ($side in $module, $manual) {
        $first = $side[0]
        Write-Host "Requests per step, $($first.Side) (run 1):"
        $first.PerStep | Select-Object Step, Ms, Kubernetes, Elasticsearch, Mutating | Format-Table -AutoSize | Out-Host
    }
    # The module's requests one by one: where to look for a request a cmdlet could do without.
    Write-Host 'The module''s requests (run 1):'
    foreach ($step in $module[0].PerStep) { foreach ($request in $step.Requests) { Write-Host "  $($step.Step): $request" } }
}

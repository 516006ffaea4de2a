# Each cause of a broken remote connection set up by hand, as an administrator would meet it (file edits, REST calls
# with Invoke-WebRequest, kubectl), and Test-RemoteCluster naming it from the evidence this machine can see: the
# nodes' logs, the keystores, the key on the remote, a TLS handshake from here. Elasticsearch's REST answers carry no
# TLS detail for any of them (checked for every cause), so the TLS causes can only come from that evidence.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $env:KUBECONFIG = $Sandbox.kubeconfig
    $script:Nodes = @($Sandbox.localCluster.nodes.configDir)
    $script:Local = Connect-LocalCluster
    $script:LocalUri = @($Sandbox.localCluster.nodes.httpUri)[0]
    $script:LocalAuth = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($Sandbox.localCluster.username):$($Sandbox.localCluster.elasticPassword)"))
    $script:EckUri = $Sandbox.eckNodes.'elastic/quickstart'.httpUri
    $eckPassword = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((kubectl get secret quickstart-es-elastic-user -n elastic -o 'jsonpath={.data.elastic}')))
    $script:EckAuth = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("elastic:$eckPassword"))

    # curl -k -u elastic:... : the by-hand REST calls. Returns status and body text, never throws on an HTTP status.
    function Invoke-ByHand([string] $Uri, [string] $Auth, [string] $Method, [string] $Path, $Body) {
        $arguments = @{ Uri = "$Uri$Path"; Method = $Method; Headers = @{ Authorization = $Auth }; SkipCertificateCheck = $true; SkipHttpErrorCheck = $true }
        if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $arguments.ContentType = 'application/json' }
        $response = Invoke-WebRequest @arguments
        [pscustomobject]@{ Status = [int]$response.StatusCode; Body = [string]$response.Content }
    }
    function Set-RemoteByHand([string] $Alias, [hashtable] $Settings) {
        $null = Invoke-ByHand $LocalUri $LocalAuth PUT '/_cluster/settings' @{ persistent = @{ cluster = @{ remote = @{ $Alias = @{ mode = $null; proxy_address = $null; server_name = $null; skip_unavailable = $null } } } } }
        if ($Settings) {
            $response = Invoke-ByHand $LocalUri $LocalAuth PUT '/_cluster/settings' @{ persistent = @{ cluster = @{ remote = @{ $Alias = $Settings } } } }
            $response.Status | Should -Be 200 -Because $response.Body
        }
    }
    # Every REST answer a client could read about the remote: none may carry TLS detail.
    function Get-RestBodies([string] $Alias) {
        Invoke-ByHand $LocalUri $LocalAuth GET '/_remote/info'
        Invoke-ByHand $LocalUri $LocalAuth GET "/_resolve/cluster/$($Alias):*"
        foreach ($skip in 'true', 'false') {
            $null = Invoke-ByHand $LocalUri $LocalAuth PUT '/_cluster/settings' @{ persistent = @{ "cluster.remote.$Alias.skip_unavailable" = $skip } }
            Invoke-ByHand $LocalUri $LocalAuth POST "/$($Alias):logs-*/_search" @{ size = 1 }
        }
    }
    $script:TlsDetail = 'PKIX|subject alternative|bad_certificate|certificate_unknown|Empty client certificate|plaintext|ssl context|SSLHandshake|trust with server'

    # The working baseline, with the module: remote cluster server enabled and published on ECK's three pods, a key in
    # every keystore, the ECK CA trusted (remote_cluster_client for the API-key model, transport for the certificate
    # model), the remote registered and connected.
    $eck = Get-EckCluster -Namespace elastic -Name quickstart | Enable-EckRemoteClusterServer -Wait -Force
    $script:Endpoint = $eck | Publish-EckRemoteClusterServer -Type LoadBalancer
    $script:Remote = $eck | New-ElasticsearchConnection
    $null = $Remote | Invoke-ElasticsearchRequest PUT '/logs-diag/_doc/1?refresh=true' @{ n = 1 }
    $script:Key = $Remote | New-CrossClusterApiKey -Name diagnosis-key -Alias eck -SearchIndex 'logs-*'
    $null = $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local
    $eckCa = $eck | Get-EckTransportCa
    $trust = @($eckCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue) +
        @($eckCa | Add-RemoteClusterTrust -SecurityModel Certificate -ConfigPath $Nodes -WarningAction SilentlyContinue)
    $trust | Where-Object RestartRequired | Select-Object -ExpandProperty ConfigPath -Unique | ForEach-Object { Restart-LocalNode $_ }
    # A pod's transport port, as the certificate model reaches it (kubectl port-forward or a Service would give the same).
    $script:EckTransport = $Sandbox.eckNodes.'elastic/quickstart'.nodes[0].transport
    # An address that accepts TCP connections and never says a word: a load balancer holding them without a backend.
    $script:Silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $Silent.Start(512)
    $script:Good = @{ mode = 'proxy'; proxy_address = $Endpoint.ProxyAddress; server_name = $Endpoint.ServerName }
    ($Endpoint | Connect-RemoteCluster -Connection $Local -Alias eck).Connected | Should -BeTrue
}

AfterAll {
    if ($Silent) { $Silent.Stop() }
    Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
    Stop-TestSandbox $Sandbox
}

Describe 'Test-RemoteCluster names each cause set up by hand' {
    BeforeEach {
        # Every case starts from the working connection, whatever the case before it left in the CA file.
        $null = Get-EckCluster -Namespace elastic -Name quickstart | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath $Nodes -WarningAction SilentlyContinue
        Set-RemoteByHand eck $Good
        Wait-Condition -TimeoutSeconds 20 -Because 'the baseline reconnects' { (Test-RemoteCluster -Connection $Local -Alias eck -NoHandshake).Connected }
    }

    It 'names <Cause> when <Mistake>, the same every time, and no REST body carries TLS detail' -ForEach @(
        @{
            Mistake = 'the nodes trust another CA (CA file replaced)'; Cause = 'RemoteCaNotTrusted'; Sources = 'node log'
            Break = {
                $script:SavedCa = $Nodes | ForEach-Object { Get-Content (Join-Path $_ 'remote-cluster-ca.crt') -Raw }
                $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=unrelated-ca', [Security.Cryptography.RSA]::Create(2048), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
                $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
                $pem = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30)).ExportCertificatePem()
                $Nodes | ForEach-Object { Set-Content (Join-Path $_ 'remote-cluster-ca.crt') $pem }
                Set-RemoteByHand eck $Good
            }
            Repair = { for ($i = 0; $i -lt $Nodes.Count; $i++) { Set-Content (Join-Path $Nodes[$i] 'remote-cluster-ca.crt') $SavedCa[$i] -NoNewline } }
        }
        @{
            Mistake = 'server_name is not in the certificate'; Cause = 'ServerNameMismatch'; Sources = 'node log'
            Break = { $wrong = $Good.Clone(); $wrong.server_name = 'wrong.example.com'; Set-RemoteByHand eck $wrong }
        }
        @{
            Mistake = 'the API key model points at the transport port'; Cause = 'ApiKeyWrongPort'; Sources = 'node log'
            Break = { Set-RemoteByHand eck @{ mode = 'proxy'; proxy_address = "$($Sandbox.eckNodes.'elastic/quickstart'.nodes[0].transport)"; server_name = $Endpoint.ServerName } }
        }
        @{
            Mistake = 'no keystore holds a credential for the alias'; Cause = 'CredentialMissing'; Sources = 'keystores'; Alias = 'nokey'
            Break = { Set-RemoteByHand nokey $Good }
            Repair = { Set-RemoteByHand nokey $null }
        }
        @{
            Mistake = 'the key was invalidated on the remote'; Cause = 'ApiKeyInvalid'; Sources = 'API key on the remote'
            Break = {
                (Invoke-ByHand $EckUri $EckAuth DELETE '/_security/api_key' @{ ids = @($Key.Id) }).Status | Should -Be 200
                Set-RemoteByHand eck $Good
            }
            Repair = {
                $script:Key = $Remote | New-CrossClusterApiKey -Name diagnosis-key -Alias eck -SearchIndex 'logs-*'
                $null = $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local
            }
        }
        @{
            Mistake = 'the key expired'; Cause = 'ApiKeyInvalid'; Sources = 'API key on the remote'
            Break = {
                $created = Invoke-ByHand $EckUri $EckAuth POST '/_security/cross_cluster/api_key' @{ name = 'short-lived'; expiration = '1s'; access = @{ search = @(@{ names = @('logs-*') }) } }
                $encoded = ($created.Body | ConvertFrom-Json).encoded
                $null = Add-RemoteClusterCredential -Alias eck -ApiKey (ConvertTo-SecureString $encoded -AsPlainText -Force) -ConfigPath $Nodes -Connection $Local
                Wait-Condition -TimeoutSeconds 10 -Because 'the key outlives its second' { ((Invoke-ByHand $EckUri $EckAuth GET "/_security/api_key?id=$(($created.Body | ConvertFrom-Json).id)").Body | ConvertFrom-Json).api_keys[0].expiration -lt [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }
                Set-RemoteByHand eck $Good
            }
            Repair = { $null = $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local }
        }
        @{
            Mistake = 'the keystores hold a REST API key'; Cause = 'RestApiKeyUsed'; Sources = 'API key on the remote'
            Break = {
                $created = Invoke-ByHand $EckUri $EckAuth POST '/_security/api_key' @{ name = 'a-rest-key' }
                $null = Add-RemoteClusterCredential -Alias eck -ApiKey (ConvertTo-SecureString (($created.Body | ConvertFrom-Json).encoded) -AsPlainText -Force) -ConfigPath $Nodes -Connection $Local
                Set-RemoteByHand eck $Good
            }
            Repair = { $null = $Key | Add-RemoteClusterCredential -Alias eck -ConfigPath $Nodes -Connection $Local }
        }
        @{
            Mistake = 'nothing listens at the address'; Cause = 'ProxyUnreachable'; Sources = 'TLS handshake seen from this machine'
            Break = { Set-RemoteByHand eck @{ mode = 'proxy'; proxy_address = '127.0.0.1:9'; server_name = $Endpoint.ServerName } }
        }
        @{
            # Each check waits out the TLS handshake timeout (10 s) on each attempt: two checks, not ten.
            Mistake = 'the address accepts connections and never answers TLS'; Cause = 'RemoteUnreachable'; Sources = 'TLS handshake seen from this machine'; Runs = 2
            Break = { Set-RemoteByHand eck @{ mode = 'proxy'; proxy_address = "127.0.0.1:$($Silent.LocalEndpoint.Port)"; server_name = $Endpoint.ServerName } }
        }
        @{
            # The certificate model: no credential for the alias, the local nodes trust ECK's transport CA, and ECK was
            # never given the local one (kubectl patch of spec.transport.tls.certificateAuthorities is what would fix it).
            Mistake = 'ECK does not trust the local transport CA (certificate model, a pod''s transport port)'; Cause = 'LocalCaNotTrustedByRemote'; Sources = 'node log'; Alias = 'certmodel'
            Break = { Set-RemoteByHand certmodel @{ mode = 'proxy'; proxy_address = $EckTransport } }
            Repair = { Set-RemoteByHand certmodel $null }
        }
    ) {
        $alias = if ($Alias) { $Alias } else { 'eck' }
        $runs = if ($Runs) { $Runs } else { 10 }
        & $Break
        try {
            $bodies = @(Get-RestBodies $alias)
            foreach ($body in $bodies) { $body.Body | Should -Not -Match $TlsDetail -Because "REST answers carry no TLS detail (status $($body.Status))" }
            $causes = foreach ($run in 1..$runs) {
                $result = Test-RemoteCluster -Connection $Local -Alias $alias -ConfigPath $Nodes -RemoteConnection $Remote -WarningAction SilentlyContinue
                $result.Connected | Should -BeFalse
                $result.EvidenceSources | Should -Contain $Sources -Because $result.Evidence
                $result.RecommendedAction | Should -Match '-(RemoteCluster|CrossClusterApiKey|Eck)'
                $result.Cause
            }
            $causes | Should -Be (@($Cause) * $runs) -Because $result.Evidence
        }
        finally {
            if ($Repair) { & $Repair }
        }
    }

    It 'names RemoteClusterServerDisabled once the ECK cluster no longer runs it (kubectl patch)' {
        kubectl patch elasticsearch quickstart -n elastic --type merge -p '{"spec":{"remoteClusterServer":{"enabled":false}}}' | Out-Null
        $LASTEXITCODE | Should -Be 0
        Wait-Condition -TimeoutSeconds 60 -Because 'ECK rolls the change out' {
            # The pod behind $EckUri restarts during the rollout: a refused connection means "not yet", not a failure.
            try { $body = (Invoke-ByHand $EckUri $EckAuth GET '/_cluster/settings?include_defaults=true&flat_settings=true').Body }
            catch [System.Net.Http.HttpRequestException] { return $false }
            $settings = $body | ConvertFrom-Json -AsHashtable
            $settings -and $settings.defaults['remote_cluster_server.enabled'] -eq 'false'
        }
        # The rollout is over when nothing serves the published address any more.
        $hostName, $port = $Endpoint.ProxyAddress -split ':'
        Wait-Condition -TimeoutSeconds 120 -Because 'no pod serves the remote cluster server any more' {
            $tcp = [Net.Sockets.TcpClient]::new()
            try { $tcp.Connect($hostName, [int]$port); $false } catch { $true } finally { $tcp.Dispose() }
        }
        Set-RemoteByHand eck $Good
        $causes = foreach ($run in 1..10) {
            $result = Test-RemoteCluster -Connection $Local -Alias eck -ConfigPath $Nodes -RemoteConnection $Remote -WarningAction SilentlyContinue
            $result.Cause
        }
        $causes | Should -Be (@('RemoteClusterServerDisabled') * 10) -Because $result.Evidence
        $result.RecommendedAction | Should -Match 'Enable-EckRemoteClusterServer'
    }
}

Describe 'Node logs' {
    It 'writes <cluster.name>.log and <cluster.name>_server.json under path.logs, and the ECK pods log through kubectl logs' {
        $yml = Get-Content (Join-Path $Nodes[0] 'elasticsearch.yml') -Raw
        $logs = [regex]::Match($yml, '(?m)^path\.logs:\s*(.+)$').Groups[1].Value.Trim()
        $cluster = [regex]::Match($yml, '(?m)^cluster\.name:\s*(.+)$').Groups[1].Value.Trim()
        Get-Content (Join-Path $logs "$cluster.log") -Raw | Should -Match '\]\[(INFO |WARN )\]\[o\.e\.'
        $json = Get-Content (Join-Path $logs "$($cluster)_server.json") | Select-Object -Last 1 | ConvertFrom-Json -AsHashtable
        $json['log.logger'] | Should -Not -BeNullOrEmpty
        $json['elasticsearch.cluster.name'] | Should -Be $cluster
        $podLog = kubectl logs quickstart-es-default-0 -n elastic
        $LASTEXITCODE | Should -Be 0
        ($podLog | Select-Object -First 1 | ConvertFrom-Json -AsHashtable)['elasticsearch.node.name'] | Should -Be 'quickstart-es-default-0'
    }
}

# Kubeconfig exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin, kubelogin) against the sandbox's
# token authentication: the plugin runs once per session for as long as its token is valid, and its failures have
# their own ErrorIds.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-BuiltModuleManifest) -Force
    $script:Sandbox = Start-TestSandbox
    $kubeconfigText = Get-Content $Sandbox.kubeconfig -Raw
    # The admin user's token: the plugin hands it out as kubectl's exec plugins hand out a cloud token.
    $script:AdminToken = [regex]::Match($kubeconfigText, '(?m)^    token: (\S+)').Groups[1].Value

    # Writes a kubeconfig whose admin user gets its token from $Command instead of the file.
    function New-ExecKubeConfig([string] $Name, [string] $Command) {
        $exec = "    exec:`n      apiVersion: client.authentication.k8s.io/v1`n      command: $Command`n      interactiveMode: Never"
        $path = Join-Path $TestDrive "$Name.kubeconfig"
        Set-Content -Path $path -Value $kubeconfigText.Replace("    token: $AdminToken", $exec)
        $path
    }
    function New-Plugin([string] $Name, [string] $Body) {
        $path = Join-Path $TestDrive $Name
        Set-Content -Path $path -Value "#!/bin/sh`n$Body"
        chmod +x $path
        $path
    }
}

AfterAll { Stop-TestSandbox $Sandbox }

Describe 'Kubeconfig exec plugins' -Skip:$IsWindows {
    It 'runs a plugin whose token expires in 2030 once for a pipeline of three cmdlets' {
        $calls = Join-Path $TestDrive 'calls.log'
        $plugin = New-Plugin 'token-plugin' @"
echo call >> '$calls'
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"$AdminToken","expirationTimestamp":"2030-01-01T00:00:00Z"}}'
"@
        $kubeConfig = New-ExecKubeConfig 'token' $plugin
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$(Get-BuiltModuleManifest)'
`$cluster = Get-EckCluster -Namespace elastic -Name quickstart -KubeConfig '$kubeConfig'
`$ca = `$cluster | Get-EckTransportCa
`$ready = `$cluster | Wait-EckCluster
[pscustomobject]@{ Cluster = `$cluster.Name; Context = `$cluster.Context; HasCa = `$ca.Pem -match "BEGIN CERTIFICATE"; Phase = `$ready.Phase } | ConvertTo-Json
"@
        $result.Cluster | Should -Be 'quickstart'
        $result.HasCa | Should -BeTrue
        $result.Phase | Should -Be 'Ready'
        @(Get-Content $calls).Count | Should -Be 1 -Because 'one session, one token that is valid until 2030'
    }

    It 'reports a plugin that is not installed as KubeExecPluginNotFound, naming the command' {
        $kubeConfig = New-ExecKubeConfig 'missing' (Join-Path $TestDrive 'eck-no-such-credential-plugin')
        $errors = $null
        Get-EckCluster -AllNamespaces -KubeConfig $kubeConfig -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'KubeExecPluginNotFound,*'
        $errors[0].Exception.Message | Should -Match 'eck-no-such-credential-plugin'
        $errors[0].ErrorDetails.RecommendedAction | Should -Match 'PATH'
    }

    It 'reports a plugin that exits non-zero as KubeExecPluginFailed, with what it wrote to standard error' {
        $plugin = New-Plugin 'failing-plugin' "echo 'the SSO session has expired, run: aws sso login' >&2`nexit 2"
        $kubeConfig = New-ExecKubeConfig 'failing' $plugin
        $errors = $null
        Get-EckCluster -AllNamespaces -KubeConfig $kubeConfig -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'KubeExecPluginFailed,*'
        $errors[0].Exception.Message | Should -Match 'exited with 2'
        $errors[0].Exception.Message | Should -Match 'aws sso login'
    }
}

BeforeDiscovery {
    # -ForEach data is built at discovery, before BeforeAll: the cmdlet list must be read here.
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:ExportedCmdlets = (Import-PowerShellDataFile (Get-BuiltModuleManifest)).CmdletsToExport
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:Manifest = Get-BuiltModuleManifest
    $script:ManifestData = Import-PowerShellDataFile $script:Manifest
    Import-Module $script:Manifest -Force
}

Describe 'Module manifest' {
    It 'targets PowerShell 7.4+ Core only' {
        $ManifestData.CompatiblePSEditions | Should -Be @('Core')
        [version] $ManifestData.PowerShellVersion | Should -BeGreaterOrEqual ([version] '7.4')
    }

    It 'exports an explicit list of cmdlets, no wildcard, and exactly what the assembly defines' {
        $ManifestData.CmdletsToExport | Should -Not -BeNullOrEmpty
        $ManifestData.CmdletsToExport | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty
        $defined = [EckRemoteCluster.Commands.EckRemoteClusterCmdlet].Assembly.GetTypes() |
            Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        ($defined | Sort-Object) | Should -Be ($ManifestData.CmdletsToExport | Sort-Object)
        (Get-Command -Module EckRemoteCluster).Name | Sort-Object | Should -Be ($ManifestData.CmdletsToExport | Sort-Object)
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($name in $ManifestData.CmdletsToExport) { ($name -split '-')[0] | Should -BeIn $approved }
    }

    It 'carries gallery metadata' {
        $ManifestData.PrivateData.PSData.Tags | Should -Contain 'Elasticsearch'
        $ManifestData.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $ManifestData.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $ManifestData.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'has the same version as its assemblies' {
        $assemblyVersion = [EckRemoteCluster.Commands.EckRemoteClusterCmdlet].Assembly.GetName().Version
        "$($assemblyVersion.Major).$($assemblyVersion.Minor).$($assemblyVersion.Build)" | Should -Be $ManifestData.ModuleVersion
    }
}

Describe 'Help' {
    It '<_> has a synopsis, a description, documented parameters and at least one example' -ForEach $ExportedCmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -Match '^\s*$'
        $help.Synopsis | Should -Not -BeLike "$_ *"
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $documented = @($help.parameters.parameter | ForEach-Object name)
        foreach ($parameter in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameter | Should -BeIn $documented -Because "every parameter of $_ is documented"
        }
    }
}

Describe 'Output types' {
    It 'are nameable from PowerShell and checked with -is' {
        $config = Join-Path $TestDrive 'node1'
        New-Item -ItemType Directory $config | Out-Null
        Set-Content (Join-Path $config 'elasticsearch.yml') 'cluster.name: c1'
        Get-ElasticsearchNodeConfig $config | Should -BeOfType ([EckRemoteCluster.ElasticsearchNodeConfig])
    }

    It 'live in the default load context, with the cmdlets' {
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([EckRemoteCluster.ElasticsearchNodeConfig].Assembly).Name |
            Should -Be 'Default'
    }
}

Describe 'Dependency isolation' {
    It 'runs the engine with its own YamlDotNet while another version is loaded first in the default context' {
        $yaml13 = Join-Path (Get-NuGetPackagePath 'YamlDotNet' '13.7.1') 'lib' 'net7.0' 'YamlDotNet.dll'
        $yaml13 | Should -Exist
        $config = Join-Path $TestDrive 'isolation' 'config'
        New-Item -ItemType Directory $config -Force | Out-Null
        Set-Content (Join-Path $config 'elasticsearch.yml') "cluster.name: isolated`nxpack:`n  security:`n    remote_cluster_client.ssl.certificate_authorities: [ a.crt, b.crt ]"

        $result = Invoke-FreshPwsh -Script @"
Add-Type -Path '$yaml13'
`$earlier = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize[hashtable]('k: v')
Import-Module '$(Get-BuiltModuleManifest)'
`$node = Get-ElasticsearchNodeConfig -ConfigPath '$config'
`$yaml = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object {
    [pscustomobject]@{ Version = `$_.GetName().Version.ToString(); Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
}
[pscustomobject]@{
    Earlier = `$earlier['k']
    ClusterName = `$node.ClusterName
    CAs = `$node.RemoteClusterClientCertificateAuthorities
    Yaml = @(`$yaml)
} | ConvertTo-Json -Depth 5
"@
        $result.Earlier | Should -Be 'v'
        $result.ClusterName | Should -Be 'isolated'
        $result.CAs | Should -Be @('a.crt', 'b.crt')
        $result.Yaml.Count | Should -Be 2
        ($result.Yaml | Where-Object Context -eq 'Default').Version | Should -BeLike '13.*'
        ($result.Yaml | Where-Object Context -eq 'EckRemoteCluster.Engine').Version | Should -BeLike '18.*'
    }

    It 'does not load the engine or any third-party assembly at import' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$(Get-BuiltModuleManifest)'
`$null = Get-Command -Module EckRemoteCluster
[pscustomobject]@{ Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetName().Name } | Where-Object { `$_ -match 'EckRemoteCluster|YamlDotNet|KubernetesClient|Elastic' }) } | ConvertTo-Json
"@
        $result.Loaded | Should -Be @('EckRemoteCluster')
    }
}

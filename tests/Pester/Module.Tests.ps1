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
        # Nothing invented: the license is Apache 2.0 (the Copyright says so); there is no public project page to name.
        $ManifestData.PrivateData.PSData.LicenseUri | Should -Be 'https://www.apache.org/licenses/LICENSE-2.0'
        $ManifestData.Copyright | Should -Match 'Apache License 2\.0'
        $ManifestData.PrivateData.PSData.Keys | Should -Not -Contain 'ProjectUri'
        # The notes describe this release: its version and the cmdlets it ships, not an earlier milestone.
        $notes = $ManifestData.PrivateData.PSData.ReleaseNotes
        $notes | Should -Match ([regex]::Escape($ManifestData.ModuleVersion))
        $notes | Should -Not -Match 'Initial foundation'
        foreach ($cmdlet in 'Test-RemoteCluster', 'Move-RemoteClusterToApiKey', 'New-CrossClusterApiKey', 'Add-RemoteClusterCredential') { $notes | Should -Match $cmdlet }
        foreach ($cmdlet in [regex]::Matches($notes, '\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b').Value) { $cmdlet | Should -BeIn $ManifestData.CmdletsToExport }
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

Describe 'Help metadata' {
    It '<_> shows SYNTAX per parameter set, INPUTS, OUTPUTS and each parameter as the cmdlet declares it' -ForEach $ExportedCmdlets {
        $command = Get-Command $_
        $help = Get-Help $_ -Full
        @($help.syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count -Because "$_ has $($command.ParameterSets.Count) parameter set(s)"
        foreach ($item in @($help.syntax.syntaxItem)) { @($item.parameter).Count | Should -BeGreaterThan 0 }
        @($help.inputTypes.inputType.type.name | Where-Object { $_ }) | Should -Not -BeNullOrEmpty
        $declaredOutputs = @($command.OutputType.Name | Where-Object { $_ -ne 'System.Void' })
        $expectedOutputs = if ($declaredOutputs) { $declaredOutputs } else { @('None') }
        @($help.returnValues.returnValue.type.name) | Should -Be $expectedOutputs
        $byValue = @($command.Parameters.Values | Where-Object { $_.ParameterSets.Values | Where-Object ValueFromPipeline })
        foreach ($parameter in $byValue) { @($help.inputTypes.inputType.type.name) | Should -Contain $parameter.ParameterType.FullName }

        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $documented = $help.parameters.parameter | Where-Object name -eq $parameter.Name
            $documented | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $_ is in the help"
            ($documented.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $_ is described"
            $sets = @($parameter.ParameterSets.Values)
            $position = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position)
            $documented.position | Should -Be $(if ($position.Count) { "$($position[0])" } else { 'named' }) -Because "-$($parameter.Name) of $_ is positional"
            $documented.required | Should -Be $(if (-not ($sets | Where-Object { -not $_.IsMandatory })) { 'true' } else { 'false' }) -Because "-$($parameter.Name) of $_"
            $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            $documented.aliases | Should -Be $aliases -Because "-$($parameter.Name) of $_ has these aliases"
            $pipeline = $documented.pipelineInput
            if ($sets | Where-Object ValueFromPipeline) { $pipeline | Should -Match 'ByValue' } else { $pipeline | Should -Not -Match 'ByValue' }
            if ($sets | Where-Object ValueFromPipelineByPropertyName) { $pipeline | Should -Match 'ByPropertyName' } else { $pipeline | Should -Not -Match 'ByPropertyName' }
            if (-not $parameter.SwitchParameter) { $documented.type.name | Should -Not -BeNullOrEmpty }
        }
    }

    It 'shows a positional parameter in brackets in the syntax, and defaults read from the cmdlet' {
        $syntax = (Get-Help Get-ElasticsearchNodeConfig).syntax | Out-String -Width 300
        $syntax | Should -Match '\[-ConfigPath\] <String\[\]>'
        (Get-Help Wait-EckCluster -Parameter Timeout).defaultValue | Should -Be '00:20:00'
    }

    It 'leaves HelpUri out, so -Online has nothing to open that does not exist' -ForEach $ExportedCmdlets {
        (Get-Command $_).HelpUri | Should -BeNullOrEmpty
        @((Get-Help $_ -Full).relatedLinks.navigationLink | Where-Object { $_ -and $_.uri }) | Should -BeNullOrEmpty
    }

    It 'describes -KubeConfig once: the pages do not repeat the shared parameter descriptions' {
        $pages = Get-ChildItem (Join-Path (Get-RepositoryRoot) 'docs' 'en-US') -Filter '*-*.md'
        $pages | Select-String -Pattern '^### -(KubeConfig|Context|WhatIf|Confirm)\s*$' | Should -BeNullOrEmpty
        $kubeConfig = @(Get-Command -Module EckRemoteCluster | Where-Object { $_.Parameters.ContainsKey('KubeConfig') } |
            ForEach-Object { (Get-Help $_.Name -Parameter KubeConfig).description.Text -join ' ' } | Sort-Object -Unique)
        $kubeConfig.Count | Should -Be 1
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

# The views are registered at import (FormatsToProcess), not at the first cmdlet: a session that only imported the
# module must already format what a job, a thread job or a remote session hands it, and what a script constructs.
# PowerShell formats a deserialized object ('Deserialized.X') with X's view. docs/performance.md, "Import, lazy views".
Describe 'Views without any cmdlet run' {
    It 'formats objects from Start-ThreadJob and Start-Job (deserialized) with the module''s table view' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$(Get-BuiltModuleManifest)'
`$make = {
    param(`$Manifest)
    Import-Module `$Manifest
    [EckRemoteCluster.RemoteClusterTestResult]::new('prod-eck', `$true, 'proxy', '10.0.0.7:9443', 'quickstart-es-remote-cluster.elastic.svc',
        [EckRemoteCluster.RemoteClusterSecurityModel]::ApiKey, '9.1.0', `$null, `$null, `$null, [EckRemoteCluster.NodeCredentialCheck[]] @(), 'prod-eck:logs-*', 3, [string[]] @())
}
`$thread = Start-ThreadJob -ScriptBlock `$make -ArgumentList '$(Get-BuiltModuleManifest)' | Receive-Job -Wait -AutoRemoveJob
`$job = Start-Job -ScriptBlock `$make -ArgumentList '$(Get-BuiltModuleManifest)' | Receive-Job -Wait -AutoRemoveJob
[pscustomobject]@{
    Views      = @((Get-FormatData -TypeName 'EckRemoteCluster.RemoteClusterTestResult').FormatViewDefinition).Count
    JobTypes   = @(`$job.pstypenames)
    ThreadText = (`$thread | Format-Table | Out-String -Width 120).Trim()
    JobText    = (`$job | Format-Table | Out-String -Width 120).Trim()
} | ConvertTo-Json
"@
        $result.Views | Should -BeGreaterThan 0
        $result.JobTypes[0] | Should -Be 'Deserialized.EckRemoteCluster.RemoteClusterTestResult'
        foreach ($text in $result.ThreadText, $result.JobText) {
            # Without the view PowerShell shows every property (Mode, Address, ... and, for a job, RunspaceId first).
            ($text -split "`r?`n")[0] | Should -Match '^Alias\s+Connected\s+SearchHits\s+Cause\s+Recommendation\s*$' -Because 'the module''s table view'
        }
    }
}

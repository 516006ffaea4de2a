# Writes the MAML file PowerShell's Get-Help reads for binary cmdlets. What the code knows comes from the code: the
# syntax of each parameter set, whether a parameter is required, its position, pipeline input, aliases, type and
# default value, the input types (ValueFromPipeline/ByPropertyName) and the output types ([OutputType]). What only a
# person can say comes from docs/en-US: <Verb-Noun>.md (platyPS's section names: SYNOPSIS, DESCRIPTION, PARAMETERS,
# EXAMPLES, NOTES) and parameters.md, which describes once the parameters many cmdlets share (-KubeConfig, -Context,
# ...). A page describes a shared parameter only when it means something else there.
#
# The build refuses a cmdlet without a page, a synopsis, a description or an example, a parameter without a
# description, a page that describes a parameter the cmdlet does not have, and a page that repeats a shared
# description word for word.

function Get-MarkdownSections([string[]] $Lines, [string] $Heading) {
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match "^$Heading (.+)$") {
            $current = $Matches[1].Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) {
            $sections[$current].Add($line)
        }
    }
    $sections
}

function Get-MarkdownText([string[]] $Lines) { (($Lines | Where-Object { $_ -notmatch '^#' }) -join "`n").Trim() }

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-MamlParagraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $paragraphs = @(($Text.Trim() -split "`n\s*`n") | Where-Object { $_.Trim() })
    if (-not $paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, ''); return }
    foreach ($paragraph in $paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, ($paragraph.Trim() -replace "`n", ' ')) }
}

function Write-MamlDescription([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    Write-MamlParagraphs $Writer $Text
    $Writer.WriteEndElement()
}

function Write-MamlType([System.Xml.XmlWriter] $Writer, [string] $Name) {
    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Name)
    $Writer.WriteEndElement()
}

# The name a person types: String[], SecureString, TimeSpan, EckCluster.
function Get-ShortTypeName([type] $Type) {
    if ($Type.IsArray) { return "$(Get-ShortTypeName $Type.GetElementType())[]" }
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return Get-ShortTypeName $nullable }
    $Type.Name
}

function Get-FullTypeName([type] $Type) {
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return $nullable.FullName }
    $Type.FullName
}

function Get-PipelineInputText([System.Management.Automation.ParameterSetMetadata[]] $Sets) {
    $kinds = @()
    if ($Sets | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Sets | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-PositionText([System.Management.Automation.ParameterSetMetadata[]] $Sets) {
    $positions = @($Sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    if ($positions.Count) { "$($positions[0])" } else { 'named' }
}

# A parameter's default value as the cmdlet sets it: read from a fresh instance, so the help cannot drift from code.
function Get-DefaultValueText($Instance, [System.Management.Automation.ParameterMetadata] $Parameter) {
    if ($Parameter.SwitchParameter) { return 'False' }
    if ($null -eq $Instance) { return 'None' }
    $property = $Instance.GetType().GetProperty($Parameter.Name)
    if ($null -eq $property) { return 'None' }
    $value = $property.GetValue($Instance)
    if ($null -eq $value) { return 'None' }
    if ($value -is [System.Security.SecureString]) { return 'None' }
    if ($value -is [string]) { if ($value) { return $value } else { return 'None' } }
    if ($value -is [System.Collections.IEnumerable]) {
        $items = @($value)
        if ($items.Count -eq 0) { return 'None' }
        return ($items -join ', ')
    }
    if ($value -is [TimeSpan]) { return $value.ToString('c') }
    "$value"
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.ParameterMetadata] $Parameter,
        [System.Management.Automation.ParameterSetMetadata[]] $Sets, [string] $Description, [string] $DefaultValue)
    # In a syntax item $Sets is the one set; in PARAMETERS it is every set, and the parameter is required when every set requires it.
    $required = $Sets.Count -gt 0 -and -not ($Sets | Where-Object { -not $_.IsMandatory })
    $wildcards = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', $required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $wildcards.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $Sets))
    $Writer.WriteAttributeString('position', (Get-PositionText $Sets))
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Parameter.Name)
    Write-MamlDescription $Writer $Description
    if (-not $Parameter.SwitchParameter) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString((Get-ShortTypeName $Parameter.ParameterType))
        $Writer.WriteEndElement()
    }
    Write-MamlType $Writer (Get-FullTypeName $Parameter.ParameterType)
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $DefaultValue)
    $Writer.WriteEndElement()
}

function Get-ParameterSetsOf([System.Management.Automation.ParameterMetadata] $Parameter, [string] $SetName) {
    $sets = @()
    foreach ($key in $Parameter.ParameterSets.Keys) {
        if (-not $SetName -or $key -eq $SetName -or $key -eq '__AllParameterSets') { $sets += $Parameter.ParameterSets[$key] }
    }
    $sets
}

# The parameters a cmdlet declares, in declaration order, without the common ones (-Verbose, -ErrorAction, ...).
function Get-OwnParameters([System.Management.Automation.CmdletInfo] $Command) {
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $Command.Parameters.Values | Where-Object { $_.Name -notin $common }
}

function Get-SharedParameterDescriptions([string] $MarkdownFolder) {
    $file = Join-Path $MarkdownFolder 'parameters.md'
    $shared = @{}
    if (Test-Path $file) {
        $sections = Get-MarkdownSections -Lines (Get-Content $file) -Heading '###'
        foreach ($name in $sections.Keys) { $shared[$name.TrimStart('-')] = Get-MarkdownText $sections[$name] }
    }
    $shared
}

function ConvertTo-MamlHelp {
    param([string] $MarkdownFolder, [System.Management.Automation.CmdletInfo[]] $Commands)

    $shared = Get-SharedParameterDescriptions $MarkdownFolder
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $buffer = [System.IO.StringWriter]::new()
    $writer = [System.Xml.XmlWriter]::Create($buffer, $settings)
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $Commands) {
        $cmdlet = $command.Name
        $page = Join-Path $MarkdownFolder "$cmdlet.md"
        if (-not (Test-Path $page)) { throw "Help page missing for $cmdlet`: $page" }
        $sections = Get-MarkdownSections -Lines (Get-Content $page) -Heading '##'
        foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES') {
            if (-not $sections.Contains($required) -or -not ($sections[$required] -join '').Trim()) {
                throw "Help page for $cmdlet has no $required section: $page"
            }
        }

        $parameters = @(Get-OwnParameters $command)
        $pageParameters = if ($sections.Contains('PARAMETERS')) { Get-MarkdownSections -Lines $sections['PARAMETERS'] -Heading '###' } else { @{} }
        $descriptions = @{}
        foreach ($heading in $pageParameters.Keys) {
            $name = $heading.TrimStart('-')
            if ($name -notin $parameters.Name) { throw "Help page for $cmdlet describes -$name, which $cmdlet does not have: $page" }
            $text = Get-MarkdownText $pageParameters[$heading]
            if ($shared.ContainsKey($name) -and $shared[$name] -eq $text) {
                throw "Help page for $cmdlet repeats the shared description of -$name (docs/en-US/parameters.md); leave it out: $page"
            }
            $descriptions[$name] = $text
        }
        foreach ($parameter in $parameters) {
            if (-not $descriptions.ContainsKey($parameter.Name)) {
                if (-not $shared.ContainsKey($parameter.Name)) { throw "-$($parameter.Name) of $cmdlet is described neither in $page nor in parameters.md." }
                $descriptions[$parameter.Name] = $shared[$parameter.Name]
            }
        }
        $instance = try { [Activator]::CreateInstance($command.ImplementingType) } catch { $null }

        $verb, $noun = $cmdlet -split '-', 2
        $writer.WriteStartElement('command', 'command', $script:CommandNs)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
        $writer.WriteAttributeString('xmlns', 'command', $null, $script:CommandNs)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)

        $writer.WriteStartElement('command', 'details', $script:CommandNs)
        $writer.WriteElementString('command', 'name', $script:CommandNs, $cmdlet)
        $writer.WriteElementString('command', 'verb', $script:CommandNs, $verb)
        $writer.WriteElementString('command', 'noun', $script:CommandNs, $noun)
        Write-MamlDescription $writer (Get-MarkdownText $sections['SYNOPSIS'])
        $writer.WriteEndElement()

        Write-MamlDescription $writer (Get-MarkdownText $sections['DESCRIPTION'])

        # SYNTAX: one item per parameter set, parameters by position then as declared.
        $writer.WriteStartElement('command', 'syntax', $script:CommandNs)
        $setNames = @($command.ParameterSets | ForEach-Object Name)
        foreach ($set in $command.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
            $writer.WriteElementString('maml', 'name', $script:MamlNs, $cmdlet)
            $inSet = foreach ($parameter in $parameters) {
                $sets = @(Get-ParameterSetsOf $parameter ($setNames.Count -gt 1 ? $set.Name : $null))
                if ($setNames.Count -gt 1 -and -not $sets) { continue }
                [pscustomobject]@{ Parameter = $parameter; Sets = $sets; Position = ($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -First 1) }
            }
            $ordered = @($inSet | Where-Object { $null -ne $_.Position } | Sort-Object Position) + @($inSet | Where-Object { $null -eq $_.Position })
            foreach ($entry in $ordered) {
                Write-MamlParameter -Writer $writer -Parameter $entry.Parameter -Sets $entry.Sets -Description $descriptions[$entry.Parameter.Name] `
                    -DefaultValue (Get-DefaultValueText $instance $entry.Parameter)
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        # PARAMETERS: every parameter once, across all its sets.
        $writer.WriteStartElement('command', 'parameters', $script:CommandNs)
        foreach ($parameter in $parameters) {
            Write-MamlParameter -Writer $writer -Parameter $parameter -Sets @(Get-ParameterSetsOf $parameter $null) `
                -Description $descriptions[$parameter.Name] -DefaultValue (Get-DefaultValueText $instance $parameter)
        }
        $writer.WriteEndElement()

        # INPUTS: the types bound by value, and the property names bound from any object.
        $writer.WriteStartElement('command', 'inputTypes', $script:CommandNs)
        $byValue = @($parameters | Where-Object { Get-ParameterSetsOf $_ $null | Where-Object ValueFromPipeline })
        $byName = @($parameters | Where-Object { Get-ParameterSetsOf $_ $null | Where-Object ValueFromPipelineByPropertyName })
        foreach ($parameter in $byValue) {
            $writer.WriteStartElement('command', 'inputType', $script:CommandNs)
            Write-MamlType $writer (Get-FullTypeName $parameter.ParameterType)
            Write-MamlDescription $writer "Binds to -$($parameter.Name)."
            $writer.WriteEndElement()
        }
        if ($byName) {
            $writer.WriteStartElement('command', 'inputType', $script:CommandNs)
            Write-MamlType $writer 'System.Management.Automation.PSObject'
            Write-MamlDescription $writer "Any object with one of these properties binds them by name: $(($byName | ForEach-Object { $_.Name + $(if ($_.Aliases.Count) { ' (' + ($_.Aliases -join ', ') + ')' }) }) -join ', ')."
            $writer.WriteEndElement()
        }
        if (-not $byValue -and -not $byName) {
            $writer.WriteStartElement('command', 'inputType', $script:CommandNs)
            Write-MamlType $writer 'None'
            Write-MamlDescription $writer 'This cmdlet takes no pipeline input.'
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        # OUTPUTS: the [OutputType] declarations; a page may add a sentence per type under OUTPUTS.
        $outputNotes = if ($sections.Contains('OUTPUTS')) { Get-MarkdownSections -Lines $sections['OUTPUTS'] -Heading '###' } else { @{} }
        $outputTypes = @($command.OutputType | ForEach-Object Name | Where-Object { $_ -ne 'System.Void' } | Select-Object -Unique)
        foreach ($documented in $outputNotes.Keys) {
            if ($documented -notin $outputTypes) { throw "Help page for $cmdlet describes output $documented, which is not among its [OutputType]s ($($outputTypes -join ', ')): $page" }
        }
        $writer.WriteStartElement('command', 'returnValues', $script:CommandNs)
        foreach ($type in @(if ($outputTypes) { $outputTypes } else { 'None' })) {
            $writer.WriteStartElement('command', 'returnValue', $script:CommandNs)
            Write-MamlType $writer $type
            Write-MamlDescription $writer $(if ($outputNotes.Contains($type)) { Get-MarkdownText $outputNotes[$type] } elseif ($type -eq 'None') { 'This cmdlet writes no objects.' } else { '' })
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        if ($sections.Contains('NOTES')) {
            $writer.WriteStartElement('maml', 'alertSet', $script:MamlNs)
            $writer.WriteStartElement('maml', 'alert', $script:MamlNs)
            Write-MamlParagraphs $writer (Get-MarkdownText $sections['NOTES'])
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $script:CommandNs)
        $examples = Get-MarkdownSections -Lines $sections['EXAMPLES'] -Heading '###'
        if ($examples.Count -eq 0) { throw "Help page for $cmdlet has no example: $page" }
        foreach ($title in $examples.Keys) {
            $body = $examples[$title] -join "`n"
            if ($body -notmatch '(?s)```(?:powershell)?\s*\n(.*?)\n```(.*)') { throw "Example '$title' of $cmdlet has no code block." }
            $writer.WriteStartElement('command', 'example', $script:CommandNs)
            $writer.WriteElementString('maml', 'title', $script:MamlNs, "-------------------------- $title --------------------------")
            $writer.WriteElementString('dev', 'code', $script:DevNs, $Matches[1].Trim())
            $writer.WriteStartElement('dev', 'remarks', $script:DevNs)
            Write-MamlParagraphs $writer $Matches[2]
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.Flush()
    $buffer.ToString()
}

<#
Writes en-US/EckRemoteCluster.dll-Help.xml for the module laid out in $ModuleFolder. The cmdlets' metadata is read in
a fresh pwsh that imports the built module, so this build process never loads the assembly it may rebuild next.
#>
function Write-ModuleHelp {
    param([string] $Root, [string] $ModuleFolder)
    $helpFile = Join-Path $ModuleFolder 'en-US' 'EckRemoteCluster.dll-Help.xml'
    $script = @"
`$ErrorActionPreference = 'Stop'
`$PSStyle.OutputRendering = 'PlainText'
trap { [Console]::Error.WriteLine(`$_.Exception.Message); exit 1 }
Set-StrictMode -Version 3.0
. '$(Join-Path $PSScriptRoot 'HelpBuilder.ps1')'
`$module = Import-Module '$(Join-Path $ModuleFolder 'EckRemoteCluster.psd1')' -PassThru
`$manifest = Import-PowerShellDataFile '$(Join-Path $ModuleFolder 'EckRemoteCluster.psd1')'
`$commands = foreach (`$name in `$manifest.CmdletsToExport) { Get-Command -Module EckRemoteCluster -Name `$name -CommandType Cmdlet }
ConvertTo-MamlHelp -MarkdownFolder '$(Join-Path $Root 'docs' 'en-US')' -Commands `$commands | Set-Content -Path '$helpFile' -Encoding utf8NoBOM
"@
    $process = [Environment]::ProcessPath
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
    $output = $null | & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The help could not be generated: $(($output | ForEach-Object { "$_" }) -join "`n")" }
}

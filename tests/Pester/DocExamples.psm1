# The documented examples, read from the docs themselves: every ```powershell block of the README, every example of
# the help pages (docs/en-US/*-*.md, and the indented code of about_EckRemoteCluster) and the scripts in docs/examples,
# each with the file and line it starts at. Test-DocumentedExample checks one without running it; ConvertTo-SandboxExample
# binds its placeholders to a sandbox (the mapping is $script:Placeholders below). DocExamples.Tests.ps1 uses both.
using namespace System.Management.Automation
using namespace System.Management.Automation.Language
Set-StrictMode -Version 3.0

function New-Example([string] $Root, [string] $Path, [int] $Line, [string] $Title, [string[]] $Lines) {
    $file = [IO.Path]::GetRelativePath($Root, $Path).Replace('\', '/')
    [pscustomobject]@{
        Id    = "$($file):$Line"
        File  = $file
        Line  = $Line
        Title = $Title
        Code  = ($Lines -join "`n")
    }
}

# The ```powershell blocks of a Markdown file, with the heading above each; -Section keeps only those under that '## '.
function Get-MarkdownExample([string] $Root, [string] $Path, [string] $Section) {
    $lines = [IO.File]::ReadAllLines($Path)
    $h2 = $title = ''
    $code = $null
    for ($i = 0; $i -lt $lines.Count; $i++) {
        $text = $lines[$i]
        if ($null -ne $code) {
            if ($text -match '^```\s*$') {
                if (-not $Section -or $h2 -eq $Section) { New-Example $Root $Path $start $title $code.ToArray() }
                $code = $null
            }
            else { $code.Add($text) }
            continue
        }
        if ($text -match '^## (.+)') { $h2 = $Matches[1].Trim(); $title = $h2 }
        elseif ($text -match '^#{3,} (.+)') { $title = $Matches[1].Trim() }
        elseif ($text -match '^```powershell\s*$') { $code = [Collections.Generic.List[string]]::new(); $start = $i + 2 }
    }
}

# about_ topics are plain text: code is indented 8 spaces (4 more than the prose around it), continuation lines more.
function Get-AboutExample([string] $Root, [string] $Path) {
    $lines = [IO.File]::ReadAllLines($Path)
    $block = [Collections.Generic.List[string]]::new()
    for ($i = 0; $i -le $lines.Count; $i++) {
        $text = if ($i -lt $lines.Count) { $lines[$i] } else { '' }
        if ($text -match '^ {8}\S' -or ($block.Count -and $text -match '^ {9,}\S')) {
            if (-not $block.Count) { $start = $i + 1 }
            $block.Add($text.Substring(8))
        }
        elseif ($block.Count) {
            # Tables (a name, then its description in an aligned column) are indented the same way: code has no such gaps.
            if (-not ($block | Where-Object { $_.Trim() -match '\S {2,}\S' })) { New-Example $Root $Path $start 'about_EckRemoteCluster' $block.ToArray() }
            $block.Clear()
        }
    }
}

<#
Every documented example: the README's ```powershell blocks, the EXAMPLES of every help page (each ```powershell
block, as Get-Help shows the first of each), about_EckRemoteCluster's indented code, and the scripts in docs/examples.
#>
function Get-DocumentedExample {
    param([Parameter(Mandatory)] [string] $Root)
    Get-MarkdownExample $Root (Join-Path $Root 'README.md')
    foreach ($page in Get-ChildItem (Join-Path $Root 'docs' 'en-US') -Filter '*-*.md' | Sort-Object Name) {
        Get-MarkdownExample $Root $page.FullName 'EXAMPLES'
    }
    foreach ($about in Get-ChildItem (Join-Path $Root 'docs' 'en-US') -Filter 'about_*.help.txt' | Sort-Object Name) {
        Get-AboutExample $Root $about.FullName
    }
    foreach ($script in Get-ChildItem (Join-Path $Root 'docs' 'examples') -Filter '*.ps1' | Sort-Object Name) {
        New-Example $Root $script.FullName 1 $script.Name ([IO.File]::ReadAllLines($script.FullName))
    }
}

# Variables PowerShell itself sets, which an example may use without setting them.
$script:AutomaticVariables = @(
    '_', 'PSItem', 'true', 'false', 'null', 'args', 'input', 'this', 'Matches', 'Error', 'LASTEXITCODE', 'Host', 'HOME',
    'PSHOME', 'PWD', 'PSScriptRoot', 'PSCommandPath', 'MyInvocation', 'PSBoundParameters', 'PSStyle', 'IsWindows',
    'IsLinux', 'IsMacOS', 'ErrorActionPreference', 'ProgressPreference', 'VerbosePreference', 'WarningPreference',
    'ConfirmPreference', 'WhatIfPreference', 'InformationPreference', 'DebugPreference', 'PSDefaultParameterValues')

# Whether the example is a runbook: it stops on any error or ends with an exit code, so nothing may prompt in it.
function Test-RunbookExample([string] $Code, [string] $Title) {
    $Code -match '\$ErrorActionPreference\s*=|\bexit\b' -or $Title -eq 'Runbooks'
}

# The variables an example reads without setting them (assignments, foreach, param(), -OutVariable and the like count
# as setting; where in the example does not matter).
function Get-FreeVariable([Ast] $Ast) {
    $set = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($node in $Ast.FindAll({ $true }, $true)) {
        if ($node -is [AssignmentStatementAst]) {
            foreach ($variable in $node.Left.FindAll({ param($n) $n -is [VariableExpressionAst] }, $true)) { $null = $set.Add($variable.VariablePath.UserPath) }
        }
        elseif ($node -is [ForEachStatementAst]) { $null = $set.Add($node.Variable.VariablePath.UserPath) }
        elseif ($node -is [ParameterAst]) { $null = $set.Add($node.Name.VariablePath.UserPath) }
        elseif ($node -is [CommandParameterAst] -and $node.ParameterName -match '^(OutVariable|ov|ErrorVariable|ev|WarningVariable|wv|InformationVariable|iv|PipelineVariable|pv)$') {
            $command = $node.Parent
            $index = $command.CommandElements.IndexOf($node)
            $value = if ($node.Argument) { $node.Argument } elseif ($index + 1 -lt $command.CommandElements.Count) { $command.CommandElements[$index + 1] }
            if ($value -is [StringConstantExpressionAst]) { $null = $set.Add($value.Value.TrimStart('+')) }
        }
    }
    $Ast.FindAll({ param($n) $n -is [VariableExpressionAst] -and -not $n.VariablePath.IsDriveQualified }, $true) |
        ForEach-Object { $_.VariablePath.UserPath -replace '^(script|global|local|private|using):', '' } |
        Where-Object { -not $set.Contains($_) -and $_ -notin $script:AutomaticVariables } |
        Sort-Object -Unique
}

# Whether a value of type $Type (any type when null) binds to $Parameter (of one parameter set) from the pipeline,
# by value or by property name.
function Test-PipelineBinding([CommandParameterInfo] $Parameter, [type] $Type) {
    if ($null -eq $Type) { return $Parameter.ValueFromPipeline -or $Parameter.ValueFromPipelineByPropertyName }
    $target = $Parameter.ParameterType
    $element = if ($target.IsArray) { $target.GetElementType() } else { $target }
    if ($Parameter.ValueFromPipeline -and ($element.IsAssignableFrom($Type) -or $element -in [object], [psobject], [string])) { return $true }
    if ($Parameter.ValueFromPipelineByPropertyName) {
        $names = @($Parameter.Name) + @($Parameter.Aliases)
        if ($Type.GetProperties() | Where-Object { $_.Name -in $names }) { return $true }
    }
    $false
}

<#
Checks one example without running it: it parses; every command it names exists (this module's cmdlets, PowerShell's,
or one of -ExternalCommand, with the module it comes from); every parameter it gives exists and is not ambiguous;
each call of this module's cmdlets resolves a parameter set with what it gives and what is piped into it (the type
the previous cmdlet of this module declares, when it is one); it reads no variable that it does not set and that is
not in -GivenVariable; and in a runbook every ConfirmImpact High cmdlet of this module carries -Force, -Confirm or -WhatIf.
Returns one line per problem, each starting with the file and line of the command at fault.
#>
function Test-DocumentedExample {
    param(
        [Parameter(Mandatory)] $Example,
        [string[]] $GivenVariable = @(),
        [hashtable] $ExternalCommand = @{},
        [string] $Module = 'EckRemoteCluster'
    )
    $tokens = $errors = $null
    $ast = [Parser]::ParseInput($Example.Code, [ref] $tokens, [ref] $errors)
    $at = { param($extent) "$($Example.File):$($Example.Line + $extent.StartLineNumber - 1)" }
    if ($errors) { return $errors | ForEach-Object { "$(& $at $_.Extent): does not parse: $($_.Message)" } }

    $functions = @($ast.FindAll({ param($n) $n -is [FunctionDefinitionAst] }, $true) | ForEach-Object Name)
    $runbook = Test-RunbookExample $Example.Code $Example.Title
    foreach ($call in $ast.FindAll({ param($n) $n -is [CommandAst] }, $true)) {
        $name = $call.GetCommandName()
        if (-not $name -or $name -in $functions -or $ExternalCommand.ContainsKey($name)) { continue }
        $command = Get-Command -Name $name -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $command) { "$(& $at $call.Extent): $name is not a command here (a renamed cmdlet? add it to the external commands if it comes from another module)"; continue }
        while ($command -is [AliasInfo]) { $command = $command.ResolvedCommand }
        if ($command.CommandType -eq 'Application') { continue }

        try { $binding = [StaticParameterBinder]::BindCommand($call, $true) }
        catch { "$(& $at $call.Extent): $name`: its parameters do not bind: $($_.Exception.InnerException.Message)"; continue }
        # A splatted hashtable's keys are not known here: the binder takes it for a positional argument.
        $splatted = @($call.CommandElements | Where-Object { $_ -is [VariableExpressionAst] -and $_.Splatted })
        foreach ($key in $binding.BindingExceptions.Keys) {
            $problem = $binding.BindingExceptions[$key]
            if ($splatted -and $problem.CommandElement -in $splatted) { continue }
            "$(& $at $call.Extent): $name`: $($problem.BindingException.Message)"
        }
        if ($command.ModuleName -ne $Module) { continue }

        $given = @($binding.BoundParameters.Keys)
        $named = @($call.CommandElements | Where-Object { $_ -is [CommandParameterAst] } | ForEach-Object ParameterName)
        $confirmed = $named | Where-Object { $name_ = $_; 'Force', 'Confirm', 'WhatIf' | Where-Object { $_ -like "$name_*" } }
        if ($runbook -and ($command.ImplementingType.GetCustomAttributes([CmdletAttribute], $false) | Select-Object -First 1).ConfirmImpact -eq 'High' -and -not $confirmed) {
            "$(& $at $call.Extent): $name changes something with ConfirmImpact High in a runbook without -Force or -Confirm:`$false: it stops with ConfirmationRequired under -NonInteractive"
        }
        if ($splatted) { continue }

        # What is piped in: the type the previous cmdlet of this module declares, or "something" ($null) for any other.
        $pipeline = $call.Parent
        $index = if ($pipeline -is [PipelineAst]) { $pipeline.PipelineElements.IndexOf($call) } else { 0 }
        $piped = $index -gt 0
        $inputTypes = @($null)
        if ($piped -and $pipeline.PipelineElements[$index - 1] -is [CommandAst]) {
            $previous = Get-Command -Name $pipeline.PipelineElements[$index - 1].GetCommandName() -ErrorAction SilentlyContinue | Select-Object -First 1
            $declared = if ($previous -and $previous.ModuleName -eq $Module) { @($previous.OutputType.Type | Where-Object { $_ }) } else { @() }
            if ($declared) { $inputTypes = $declared }
        }

        $common = [PSCmdlet]::CommonParameters + [PSCmdlet]::OptionalCommonParameters
        $resolved = foreach ($set in $command.ParameterSets) {
            $inSet = @($set.Parameters.Name)
            if ($given | Where-Object { $_ -notin $inSet -and $_ -notin $common }) { continue }
            foreach ($type in $inputTypes) {
                $pipeable = @($set.Parameters | Where-Object { $_.Name -notin $given -and (Test-PipelineBinding $_ $type) } | ForEach-Object Name)
                if ($piped -and -not $pipeable) { continue }
                $missing = @($set.Parameters | Where-Object { $_.IsMandatory -and $_.Name -notin $given -and -not ($piped -and $_.Name -in $pipeable) } | ForEach-Object Name)
                if (-not $missing) { $set.Name }
            }
        }
        if (-not $resolved) {
            $what = if ($given) { '-' + ($given -join ', -') } else { 'no parameters' }
            $from = if (-not $piped) { 'and nothing piped in' } elseif ($null -eq $inputTypes[0]) { 'and pipeline input' } else { "and $($inputTypes.Name -join ' or ') piped in" }
            "$(& $at $call.Extent): $name has no parameter set that takes $what $from"
        }
    }
    foreach ($variable in Get-FreeVariable $ast) {
        if ($variable -notin $GivenVariable) { "$($Example.Id): reads `$$variable, which it does not set and which is not one of the given variables ($(($GivenVariable | ForEach-Object { "`$$_" }) -join ', '))" }
    }
}

<#
The mapping from the examples' placeholders to a sandbox, applied to the text of an example before it runs: the
hosts, URIs, paths and secrets the docs use stand for the sandbox's. Each entry: the literal text, what it becomes
(a scriptblock over the sandbox's description, sandbox.json), and why. Longer texts come first, so a list is replaced
before its first item. Files the docs name relative to the working directory (./http_ca.crt, ./ca.crt,
./eck_transport_ca.crt) and commands that would ask a person (Get-Credential, Get-Secret, New-PSSession to es1, es2)
are provided by DocExamples.Runner.ps1 instead, which says how.
#>
$script:Placeholders = @(
    @{ Text = 'https://es1:9200, https://es2:9200'; Value = { param($s) "'$($s.localCluster.nodes[0].httpUri)', '$($s.localCluster.nodes[1].httpUri)'" }; Why = 'the URIs of the self-managed nodes' }
    @{ Text = 'https://es1:9200'; Value = { param($s) "'$($s.localCluster.nodes[0].httpUri)'" }; Why = 'the URI of the first self-managed node' }
    @{ Text = '\\es1\config, \\es2\config'; Value = { param($s) "'$($s.localCluster.nodes[0].configDir)', '$($s.localCluster.nodes[1].configDir)'" }; Why = 'the config directories of the self-managed nodes, as paths' }
    @{ Text = "'\\es1\config'"; Value = { param($s) "'$($s.localCluster.nodes[0].configDir)'" }; Why = 'the first node''s config directory' }
    @{ Text = '\\es1\config'; Value = { param($s) "'$($s.localCluster.nodes[0].configDir)'" }; Why = 'the first node''s config directory' }
    @{ Text = '/etc/es1, /etc/es2'; Value = { param($s) "'$($s.localCluster.nodes[0].configDir)', '$($s.localCluster.nodes[1].configDir)'" }; Why = 'the config directories of the self-managed nodes' }
    @{ Text = '/etc/elasticsearch'; Value = { param($s) $s.localCluster.nodes[0].configDir }; Why = 'a package install''s config directory: the first node''s' }
    @{ Text = '~/prod.kubeconfig'; Value = { param($s) "'$($s.kubeconfig)'" }; Why = 'a kubeconfig file: the sandbox''s' }
    @{ Text = '-Context prod-admin'; Value = { param($s) "-Context $($s.kubernetes.adminContext)" }; Why = 'a kubeconfig context: the sandbox''s admin context' }
    @{ Text = '/etc/eck-estate/estate.yaml'; Value = { param($s) './estate.yaml' }; Why = 'the estate file: the one Export-RemoteClusterEstate''s first example writes from the sandbox' }
    @{ Text = "'the password'"; Value = { param($s) "'$($s.localCluster.elasticPassword)'" }; Why = 'the self-managed cluster''s elastic password' }
)

function Get-ExamplePlaceholder { $script:Placeholders | ForEach-Object { [pscustomobject]$_ } }

<# The example's code with the placeholders replaced by the sandbox's values, and every `exit N` made a throw the runner reports. #>
function ConvertTo-SandboxExample {
    param([Parameter(Mandatory)] $Example, [Parameter(Mandatory)] $Sandbox)
    $tokens = $errors = $null
    $ast = [Parser]::ParseInput($Example.Code, [ref] $tokens, [ref] $errors)
    $code = $Example.Code
    # Inside one runner process an exit would end every example after it: it becomes an error naming its code.
    foreach ($exit in $ast.FindAll({ param($n) $n -is [ExitStatementAst] }, $true) | Sort-Object { $_.Extent.StartOffset } -Descending) {
        $value = if ($exit.Pipeline) { $exit.Pipeline.Extent.Text } else { '0' }
        $code = $code.Substring(0, $exit.Extent.StartOffset) + "throw `"exit $value`"" + $code.Substring($exit.Extent.EndOffset)
    }
    foreach ($placeholder in $script:Placeholders) {
        $code = $code.Replace($placeholder.Text, (& $placeholder.Value $Sandbox))
    }
    $code
}

Export-ModuleMember -Function Get-DocumentedExample, Test-DocumentedExample, Test-RunbookExample, Get-ExamplePlaceholder, ConvertTo-SandboxExample

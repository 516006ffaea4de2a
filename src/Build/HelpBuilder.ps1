# Turns docs/en-US/<Verb-Noun>.md into the MAML file PowerShell's Get-Help reads for binary cmdlets. The markdown
# uses platyPS's section names (SYNOPSIS, DESCRIPTION, EXAMPLES, PARAMETERS, OUTPUTS, NOTES) so it reads well on
# GitHub; the build refuses a cmdlet without a page, a synopsis or an example.

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

function ConvertTo-MamlParagraphs([System.Xml.XmlWriter] $Writer, [string[]] $Lines) {
    $text = ($Lines -join "`n").Trim()
    foreach ($paragraph in ($text -split "`n\s*`n")) {
        if ($paragraph.Trim()) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, ($paragraph.Trim() -replace "`n", ' ')) }
    }
}

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

function ConvertTo-MamlHelp {
    param([string] $MarkdownFolder, [string[]] $Cmdlets)

    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $buffer = [System.IO.StringWriter]::new()
    $writer = [System.Xml.XmlWriter]::Create($buffer, $settings)
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($cmdlet in $Cmdlets) {
        $page = Join-Path $MarkdownFolder "$cmdlet.md"
        if (-not (Test-Path $page)) { throw "Help page missing for $cmdlet`: $page" }
        $sections = Get-MarkdownSections -Lines (Get-Content $page) -Heading '##'
        foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES') {
            if (-not $sections.Contains($required) -or -not ($sections[$required] -join '').Trim()) {
                throw "Help page for $cmdlet has no $required section: $page"
            }
        }
        $verb, $noun = $cmdlet -split '-', 2
        $writer.WriteStartElement('command', 'command', $script:CommandNs)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)

        $writer.WriteStartElement('command', 'details', $script:CommandNs)
        $writer.WriteElementString('command', 'name', $script:CommandNs, $cmdlet)
        $writer.WriteElementString('command', 'verb', $script:CommandNs, $verb)
        $writer.WriteElementString('command', 'noun', $script:CommandNs, $noun)
        $writer.WriteStartElement('maml', 'description', $script:MamlNs)
        ConvertTo-MamlParagraphs $writer $sections['SYNOPSIS']
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        $writer.WriteStartElement('maml', 'description', $script:MamlNs)
        ConvertTo-MamlParagraphs $writer $sections['DESCRIPTION']
        $writer.WriteEndElement()

        if ($sections.Contains('PARAMETERS')) {
            $writer.WriteStartElement('command', 'parameters', $script:CommandNs)
            $parameters = Get-MarkdownSections -Lines $sections['PARAMETERS'] -Heading '###'
            foreach ($name in $parameters.Keys) {
                $writer.WriteStartElement('command', 'parameter', $script:CommandNs)
                $writer.WriteElementString('maml', 'name', $script:MamlNs, $name.TrimStart('-'))
                $writer.WriteStartElement('maml', 'description', $script:MamlNs)
                ConvertTo-MamlParagraphs $writer $parameters[$name]
                $writer.WriteEndElement()
                $writer.WriteEndElement()
            }
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
            ConvertTo-MamlParagraphs $writer ($Matches[2] -split "`n")
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        if ($sections.Contains('OUTPUTS')) {
            $writer.WriteStartElement('command', 'returnValues', $script:CommandNs)
            foreach ($type in (Get-MarkdownSections -Lines $sections['OUTPUTS'] -Heading '###').Keys) {
                $writer.WriteStartElement('command', 'returnValue', $script:CommandNs)
                $writer.WriteStartElement('dev', 'type', $script:DevNs)
                $writer.WriteElementString('maml', 'name', $script:MamlNs, $type)
                $writer.WriteEndElement()
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.Flush()
    $buffer.ToString()
}

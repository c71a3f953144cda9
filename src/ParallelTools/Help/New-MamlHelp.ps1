# Writes <module>/en-US/ParallelTools.dll-Help.xml (MAML) from the cmdlets' own metadata (parameter
# names, types, positions, pipeline binding, sets), the prose in Help/<Cmdlet>.help.psd1, and the
# parameter definitions the cmdlets share in Help/Shared.help.psd1.
# Run by build.ps1 in a fresh pwsh against the staged module. platyPS is not available here.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpSourcePath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module $ModulePath -PassThru
$shared = (Import-PowerShellDataFile (Join-Path $HelpSourcePath 'Shared.help.psd1')).Parameters
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$problems = [System.Collections.Generic.List[string]]::new()
# PowerShell passes $null to a string parameter as "", which XmlWriter rejects with a prefix: give every URI.
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Add-Text([System.Xml.XmlWriter] $Writer, [string] $Prefix, [string] $Name, [string] $Text) {
    $Writer.WriteElementString($Prefix, $Name, $ns[$Prefix], $Text)
}

function Add-Paragraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($para in ($Text.Trim() -split "\r?\n\s*\r?\n")) {
        Add-Text $Writer 'maml' 'para' (($para -split "\r?\n" | ForEach-Object Trim) -join ' ')
    }
    $Writer.WriteEndElement()
}

function Get-PipelineInput($Parameter) {
    $kinds = foreach ($attribute in $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
        if ($attribute.ValueFromPipeline) { 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
    }
    $kinds = @($kinds | Select-Object -Unique)
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-TypeName([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $Type.Name
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$target = Join-Path $ModulePath 'en-US'
New-Item -ItemType Directory -Force -Path $target | Out-Null
$writer = [System.Xml.XmlWriter]::Create((Join-Path $target 'ParallelTools.dll-Help.xml'), $settings)
try {
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
        $sourceFile = Join-Path $HelpSourcePath "$($command.Name).help.psd1"
        if (-not (Test-Path $sourceFile)) { $problems.Add("$($command.Name): no help source $sourceFile"); continue }
        $help = Import-PowerShellDataFile $sourceFile
        $parameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name

        $writer.WriteStartElement('command', 'command', $ns.command)
        $writer.WriteAttributeString('xmlns', 'maml', 'http://www.w3.org/2000/xmlns/', $ns.maml)
        $writer.WriteAttributeString('xmlns', 'dev', 'http://www.w3.org/2000/xmlns/', $ns.dev)

        $writer.WriteStartElement('command', 'details', $ns.command)
        Add-Text $writer 'command' 'name' $command.Name
        Add-Text $writer 'command' 'verb' $command.Verb
        Add-Text $writer 'command' 'noun' $command.Noun
        Add-Paragraphs $writer $help.Synopsis
        $writer.WriteEndElement()
        Add-Paragraphs $writer $help.Description

        $writer.WriteStartElement('command', 'syntax', $ns.command)
        # Sets that differ only in how the pipeline binds (the HTTP cmdlets' Url and Row) read alike: one line.
        $shown = [System.Collections.Generic.HashSet[string]]::new()
        foreach ($set in $command.ParameterSets) {
            if (-not $shown.Add((@($set.Parameters | ForEach-Object { "$($_.Name):$($_.Position):$($_.IsMandatory)" }) -join ' '))) { continue }
            $writer.WriteStartElement('command', 'syntaxItem', $ns.command)
            Add-Text $writer 'maml' 'name' $command.Name
            foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
                $writer.WriteStartElement('command', 'parameter', $ns.command)
                $writer.WriteAttributeString('required', "$($p.IsMandatory)".ToLower())
                $writer.WriteAttributeString('position', ($p.Position -ge 0 ? "$($p.Position + 1)" : 'named'))
                Add-Text $writer 'maml' 'name' $p.Name
                if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                    Add-Text $writer 'command' 'parameterValue' (Get-TypeName $p.ParameterType)
                }
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($p in $parameters) {
            # The family's shared definition first, then what this cmdlet adds.
            $text = @($shared[$p.Name], $help.Parameters[$p.Name]).Where({ $_ }) -join ' '
            if (-not $text) { $problems.Add("$($command.Name) -$($p.Name): no description"); $text = '' }
            $inSet = $command.ParameterSets.Parameters | Where-Object Name -EQ $p.Name | Select-Object -First 1
            $writer.WriteStartElement('command', 'parameter', $ns.command)
            $writer.WriteAttributeString('required', "$($inSet.IsMandatory)".ToLower())
            $writer.WriteAttributeString('position', ($inSet.Position -ge 0 ? "$($inSet.Position + 1)" : 'named'))
            $writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $p))
            $writer.WriteAttributeString('globbing', 'false')
            $writer.WriteAttributeString('aliases', ($p.Aliases -join ', ') ?? 'none')
            Add-Text $writer 'maml' 'name' $p.Name
            Add-Paragraphs $writer $text
            Add-Text $writer 'command' 'parameterValue' (Get-TypeName $p.ParameterType)
            $writer.WriteStartElement('dev', 'type', $ns.dev)
            Add-Text $writer 'maml' 'name' $p.ParameterType.FullName
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'inputTypes', $ns.command)
        foreach ($type in $help.Inputs) {
            $writer.WriteStartElement('command', 'inputType', $ns.command)
            $writer.WriteStartElement('dev', 'type', $ns.dev); Add-Text $writer 'maml' 'name' $type; $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        $writer.WriteStartElement('command', 'returnValues', $ns.command)
        foreach ($type in $command.OutputType.Name) {
            $writer.WriteStartElement('command', 'returnValue', $ns.command)
            $writer.WriteStartElement('dev', 'type', $ns.dev); Add-Text $writer 'maml' 'name' $type; $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        if ($help.ContainsKey('Notes')) {
            $writer.WriteStartElement('maml', 'alertSet', $ns.maml)
            $writer.WriteStartElement('maml', 'alert', $ns.maml)
            foreach ($para in ($help.Notes.Trim() -split "\r?\n\s*\r?\n")) { Add-Text $writer 'maml' 'para' (($para -split "\r?\n" | ForEach-Object Trim) -join ' ') }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $ns.command)
        $n = 0
        foreach ($example in $help.Examples) {
            $n++
            $writer.WriteStartElement('command', 'example', $ns.command)
            Add-Text $writer 'maml' 'title' "--------- Example ${n}: $($example.Title) ---------"
            Add-Text $writer 'dev' 'code' $example.Code.Trim()
            $writer.WriteStartElement('dev', 'remarks', $ns.dev)
            Add-Text $writer 'maml' 'para' $example.Remarks.Trim()
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        if ($n -lt 4) { $problems.Add("$($command.Name): $n examples, at least 4 are needed") }

        $writer.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($link in $help.Links) {
            $writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
            Add-Text $writer 'maml' 'linkText' $link
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        foreach ($name in $help.Parameters.Keys | Where-Object { $_ -notin $parameters.Name }) {
            $problems.Add("$($command.Name): help describes -$name, which the cmdlet does not have")
        }
    }
    $writer.WriteEndElement()
}
finally {
    $writer.Dispose()
}

if ($problems.Count) {
    $problems | ForEach-Object { Write-Host "help: $_" -ForegroundColor Red }
    exit 1
}

BeforeAll {
    $script:ModulePath = $env:PARALLELTOOLS_MODULE
    Import-Module $ModulePath -Force
}

Describe 'The staged module' {
    It 'passes Test-ModuleManifest with the fields a published module needs' {
        $manifest = Test-ModuleManifest (Join-Path $ModulePath 'ParallelTools.psd1')
        $manifest.Version | Should -Not -BeNullOrEmpty
        $manifest.Guid | Should -Not -Be ([guid]::Empty)
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Tags | Should -Contain 'parallel'
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $listed = (Import-PowerShellDataFile (Join-Path $ModulePath 'ParallelTools.psd1')).CmdletsToExport
        $exported = (Get-Command -Module ParallelTools).Name
        $exported | Sort-Object | Should -Be ($listed | Sort-Object)
        $exported | Should -Contain 'Invoke-AsyncFetch'
    }

    It 'declares an output type for every cmdlet, and gives each typed result a default table view' {
        foreach ($command in Get-Command -Module ParallelTools) {
            $command.OutputType | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs [OutputType]"
            foreach ($type in $command.OutputType.Name | Where-Object { $_ -like 'ParallelTools.*' }) {
                $views = (Get-FormatData -TypeName $type).FormatViewDefinition
                $views.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } |
                    Should -Not -BeNullOrEmpty -Because "$type should show as a table"
            }
        }
        (Get-Command Invoke-AsyncFetch).OutputType.Name | Should -Contain 'ParallelTools.Engine.Http.FetchResult'
        (Get-Command Invoke-ThreadedDownload).OutputType.Name | Should -Be 'ParallelTools.Engine.Download.DownloadResult'
    }

    It 'completes <Parameter> of <Command> with <Expected>' -ForEach @(
        @{ Command = 'Invoke-AsyncFetch'; Parameter = 'Authentication'; Word = ''; Expected = @('Basic', 'Bearer') }
        @{ Command = 'Invoke-ThreadedDownload'; Parameter = 'Authentication'; Word = 'B'; Expected = @('Basic', 'Bearer') }
        @{ Command = 'Invoke-AsyncFetch'; Parameter = 'HttpVersion'; Word = ''; Expected = @('1.1', '2.0') }
        @{ Command = 'Invoke-ThreadedDownload'; Parameter = 'HttpVersion'; Word = ''; Expected = @('1.1', '2.0') }
        @{ Command = 'Invoke-AsyncFetch'; Parameter = 'Method'; Word = 'p'; Expected = @('POST', 'PUT', 'PATCH') }
    ) {
        $line = "$Command -$Parameter $Word"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        @($completions | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($command in Get-Command -Module ParallelTools) {
            $approved | Should -Contain $command.Verb
        }
    }
}

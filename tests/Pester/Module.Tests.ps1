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

    It 'loads its format file, so results show as a table' {
        Get-FormatData -TypeName ParallelTools.Engine.Http.FetchResult | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName ParallelTools.Engine.Download.DownloadResult | Should -Not -BeNullOrEmpty
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($command in Get-Command -Module ParallelTools) {
            $approved | Should -Contain $command.Verb
        }
    }
}

@{
    RootModule           = 'ParallelTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '78567e98-1864-46a0-baf4-402c45ca3137'
    Author               = 'ParallelTools contributors'
    CompanyName          = 'ParallelTools'
    Copyright            = '(c) ParallelTools contributors. MIT License.'
    Description          = 'Streams pipeline objects through the concurrency model that fits the work: threads, worker processes or async I/O. Input order, one outcome per input, bounded memory, prompt stop.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('ParallelTools.Format.ps1xml')
    CmdletsToExport      = @('Invoke-AsyncFetch', 'Invoke-ProcessMap', 'Invoke-ThreadedDownload', 'Invoke-ThreadMap')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('parallel', 'concurrency', 'async', 'http', 'download', 'threads', 'runspace', 'process', 'pipeline', 'PSEdition_Core')
        }
    }
}

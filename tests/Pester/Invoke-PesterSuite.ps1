# Runs every Pester spec in this folder against the staged module and writes the counts as JSON.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestServerDll,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # The .nupkg build.ps1 -Task Package wrote, for the install round trip.
    [string] $PackagePath,
    # One spec file or folder instead of all, while working on it.
    [string[]] $Path = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

# The specs read these to find what they test.
$env:PARALLELTOOLS_MODULE = $ModulePath
$env:PARALLELTOOLS_TESTSERVER = $TestServerDll
$env:PARALLELTOOLS_PACKAGE = $PackagePath

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $SummaryPath
# Exit the process outright: a stray foreground thread (a bug under test) must fail a spec, not hang CI.
[Environment]::Exit([int]($failed -gt 0))

# The first real pipeline: three pages from the local test server through Invoke-AsyncFetch.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestServerDll
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'TestServer.ps1')
Import-Module $ModulePath

$server = Start-TestServer -Dll $TestServerDll
try {
    Write-Host "Test server listening at $($server.BaseUri)"
    $urls = 1..3 | ForEach-Object { "$($server.BaseUri)/page/$_" }
    $urls | ForEach-Object { Write-Host "  $_" }
    $page = 0
    $urls | Invoke-AsyncFetch | ForEach-Object {
        $page++
        "Page ${page} length: $($_.Content.Length) characters"
    }
}
finally {
    Stop-TestServer $server
}

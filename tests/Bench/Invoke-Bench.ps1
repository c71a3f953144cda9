# Runs the benchmark scenarios side by side with their peers, in one run, and prints ratios.
# Figures vary on a small shared machine: read the ratios, and rerun before believing a change.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestServerDll,
    [string] $Scenario = 'fetch'
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../TestServer.ps1')
Import-Module $ModulePath

function Measure-Run([string] $Name, [int] $Count, [scriptblock] $Script) {
    $null = & $Script             # warm-up run: connections, JIT
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $n = & $Script
    $seconds = $watch.Elapsed.TotalSeconds
    if ($n -ne $Count) { throw "$Name produced $n results for $Count inputs." }
    [pscustomobject]@{ Peer = $Name; Items = $Count; Seconds = [math]::Round($seconds, 3); PerSecond = [math]::Round($Count / $seconds) }
}

function Write-Ratios($Rows) {
    $ours = $Rows[0]
    $Rows | ForEach-Object {
        $_ | Add-Member -NotePropertyName 'OursIsFaster' -NotePropertyValue ([math]::Round($ours.PerSecond / $_.PerSecond, 2)) -PassThru
    } | Format-Table Peer, Items, Seconds, PerSecond, OursIsFaster -AutoSize | Out-String -Width 240 | Out-Host
}

$server = Start-TestServer -Dll $TestServerDll
try {
    $base = $server.BaseUri
    foreach ($name in $Scenario -split ',') {
        $path = Join-Path $PSScriptRoot "$name.bench.ps1"
        if (-not (Test-Path $path)) { throw "Unknown scenario '$name'." }
        Write-Host "--- scenario: $name"
        Write-Ratios (& $path -Base $base)
    }
}
finally {
    Stop-TestServer $server
}

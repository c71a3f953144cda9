# Runs the benchmark scenarios side by side with their peers, in one run, and prints ratios.
# Each peer runs as its own process under measure.py, which reports the whole process's wall time,
# CPU time and peak memory; each peer also reports its own timed phase ("<items> <seconds>").
# Figures vary on a small shared machine: read the ratios, and rerun before believing a change.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestServerDll,
    [string] $Scenario = "fetch,processmap,download,threadmap"
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../TestServer.ps1')

$script:Python = (Get-Command python3 -ErrorAction SilentlyContinue).Source
$script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$script:ModulePath = $ModulePath

# Runs one peer; returns a row, or $null (with a note) when the peer cannot run here.
function Invoke-Peer([string] $Name, [int] $Expected, [string[]] $Command) {
    if (-not $Python) { Write-Host "  (skipped ${Name}: python3 is needed to measure processes)"; return }
    $line = & $Python (Join-Path $PSScriptRoot 'measure.py') @Command | Select-Object -Last 1
    $m = $line | ConvertFrom-Json
    $items, $seconds = ("$($m.stdout)" -split '\s+' | Select-Object -Last 2)
    if ($m.exit -ne 0 -or [int]$items -ne $Expected) {
        Write-Host "  (${Name} failed: exit $($m.exit), $items of $Expected items)"
        return
    }
    [pscustomobject]@{
        Peer          = $Name
        Items         = $Expected
        TimedSec      = [math]::Round([double]$seconds, 3)
        PerSecond     = [math]::Round($Expected / [double]$seconds)
        ProcessSec    = [math]::Round($m.wall, 2)
        CpuMsPerItem  = [math]::Round($m.cpu * 1000 / $Expected, 3)
        PeakMB        = [math]::Round($m.peak_mb)
    }
}

# Prints the rows with OursIsFaster: the first row's rate over each row's (the rate column is PerSecond unless named).
function Write-Ratios($Rows, [string] $Rate = 'PerSecond', [string] $Cost = 'CpuMsPerItem') {
    $Rows = @($Rows | Where-Object { $_ })
    if (-not $Rows) { return }
    $ours = $Rows[0]
    $Rows | ForEach-Object {
        $_ | Add-Member -NotePropertyName 'OursIsFaster' -NotePropertyValue ([math]::Round($ours.$Rate / $_.$Rate, 2)) -PassThru
    } | Format-Table Peer, Items, TimedSec, $Rate, OursIsFaster, ProcessSec, $Cost, PeakMB -AutoSize |
        Out-String -Width 240 | Out-Host
}

$server = Start-TestServer -Dll $TestServerDll
try {
    foreach ($name in $Scenario -split ',') {
        $path = Join-Path $PSScriptRoot "$name.bench.ps1"
        if (-not (Test-Path $path)) { throw "Unknown scenario '$name'." }
        & $path -Base $server.BaseUri
    }
}
finally {
    Stop-TestServer $server
}

# Scenario "download": 200 files of 1 MiB at concurrency 16, and one 1 GiB file, served from disk by
# the test server (/static), written to disk by each peer. Files are generated here and deleted after.
# The pwsh peers (Invoke-ThreadedDownload, Invoke-WebRequest) report their median of three timed
# passes after warm-up passes over the same URLs, in one process (Measure-WarmPhase in TimedPhase.ps1);
# the native peers time their whole run; ProcessSec is every peer's whole process.
# CpuSecPerGiB is the CPU of the timed phase (user and system, every thread) per GiB written: the
# pwsh peers measure their own phase, the native peers are their whole process.
# TimedJitSec (pwsh peers): the part of that CPU the .NET runtime spent compiling, most of it pwsh's own code.
param([Parameter(Mandatory)] [string] $Base)

$work = Join-Path ([IO.Path]::GetTempPath()) "pt-bench-download-$PID"
$www = Join-Path $work 'www'
$out = Join-Path $work 'out'
$null = New-Item -ItemType Directory -Path $www, $out -Force
$fileCount = 200
$slowPeerCount = 50

function New-RandomFile([string] $Path, [long] $Bytes) {
    $buffer = [byte[]]::new(1MB)
    $stream = [IO.File]::Create($Path)
    try {
        for ($written = 0L; $written -lt $Bytes; $written += $buffer.Length) {
            [Random]::Shared.NextBytes($buffer)
            $stream.Write($buffer, 0, [Math]::Min($buffer.Length, $Bytes - $written))
        }
    }
    finally { $stream.Dispose() }
}

# Each peer writes into an empty folder; dirty pages are flushed between peers so none pays for another.
function Invoke-DownloadPeer([string] $Name, [int] $Expected, [long] $Bytes, [string[]] $Command, [switch] $IlOnly) {
    $emptyOut = {
        Remove-Item (Join-Path $out '*') -Recurse -Force -ErrorAction SilentlyContinue
        if (-not $IsWindows) { sync }
    }
    $row = Invoke-Peer $Name $Expected $Command -IlOnly:$IlOnly -Before $emptyOut
    if ($row) {
        $gib = $Bytes / 1GB
        $row | Add-Member -NotePropertyName MiBPerSec -NotePropertyValue ([math]::Round($Bytes / 1MB / $row.TimedSec))
        $row | Add-Member -NotePropertyName CpuSecPerGiB -NotePropertyValue ([math]::Round($row.TimedCpuSec / $gib, 2))
        $row
    }
}

$server = $null
try {
    Write-Host "--- download: generating $fileCount files of 1 MiB and one of 1 GiB under $www"
    1..$fileCount | ForEach-Object { New-RandomFile (Join-Path $www "f$_.bin") 1MB }
    New-RandomFile (Join-Path $www 'big.bin') 1GB
    $server = Start-TestServer -Dll $TestServerDll -FileRoot $www
    $static = "$($server.BaseUri)/static"
    $urlFile = Join-Path $work 'urls.txt'
    1..$fileCount | ForEach-Object { "$static/f$_.bin" } | Set-Content $urlFile
    $slowUrlFile = Join-Path $work 'urls-slow.txt'
    Get-Content $urlFile | Select-Object -First $slowPeerCount | Set-Content $slowUrlFile
    Write-Host '  (warming the test server: the 200 URLs through it 4 times before the first peer)'
    Invoke-ServerWarmUp $urlFile
    $ours = Join-Path $PSScriptRoot 'download_ours.ps1'
    $iwr = Join-Path $PSScriptRoot 'download_iwr.ps1'

    Write-Section "download: $fileCount files of 1 MiB at concurrency 16 (ForEach-Object -Parallel: $slowPeerCount, normalised)"
    $rows = @(
        Invoke-DownloadPeer 'Invoke-ThreadedDownload -ThrottleLimit 16' $fileCount ($fileCount * 1MB) @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $urlFile, $out, 16)
        Invoke-DownloadPeer 'Invoke-ThreadedDownload -ThrottleLimit 16' $fileCount ($fileCount * 1MB) @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $urlFile, $out, 16) -IlOnly
        Invoke-DownloadPeer 'Invoke-ThreadedDownload -ThrottleLimit 4' $fileCount ($fileCount * 1MB) @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $urlFile, $out, 4)
        Invoke-DownloadPeer 'Invoke-ThreadedDownload (default throttle)' $fileCount ($fileCount * 1MB) @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $urlFile, $out, 0)
        Invoke-DownloadPeer 'ForEach-Object -Parallel { Invoke-WebRequest -OutFile }' $slowPeerCount ($slowPeerCount * 1MB) @($Pwsh, '-NoProfile', '-File', $iwr, $slowUrlFile, $out, 16)
        if (Get-Command curl -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'curl --parallel --parallel-max 16' $fileCount ($fileCount * 1MB) @('bash', (Join-Path $PSScriptRoot 'download_curl.sh'), $urlFile, $out, 16)
        }
        if (Get-Command aria2c -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'aria2c -j16' $fileCount ($fileCount * 1MB) @('bash', (Join-Path $PSScriptRoot 'download_aria2c.sh'), $urlFile, $out, 16)
        }
        else { Write-Host '  (skipped aria2c: not on PATH)' }
        if (Get-Command wget -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'wget (sequential)' $fileCount ($fileCount * 1MB) @('bash', (Join-Path $PSScriptRoot 'download_wget.sh'), $urlFile, $out)
        }
    )
    Write-Ratios $rows -Rate MiBPerSec -Cost CpuSecPerGiB

    Write-Section 'download: one 1 GiB file'
    $bigUrlFile = Join-Path $work 'urls-big.txt'
    "$static/big.bin" | Set-Content $bigUrlFile
    # One read through the server first, so the first peer does not pay for a cold file.
    if (Get-Command curl -ErrorAction SilentlyContinue) { curl --silent --output /dev/null "$static/big.bin" }
    $rows = @(
        Invoke-DownloadPeer 'Invoke-ThreadedDownload' 1 1GB @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $bigUrlFile, $out, 1)
        Invoke-DownloadPeer 'Invoke-ThreadedDownload' 1 1GB @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $bigUrlFile, $out, 1) -IlOnly
        Invoke-DownloadPeer 'Invoke-ThreadedDownload -SegmentCount 4' 1 1GB @($Pwsh, '-NoProfile', '-File', $ours, $ModulePath, $bigUrlFile, $out, 1, 4)
        Invoke-DownloadPeer 'Invoke-WebRequest -OutFile' 1 1GB @($Pwsh, '-NoProfile', '-File', $iwr, $bigUrlFile, $out, 1)
        if (Get-Command curl -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'curl' 1 1GB @('bash', (Join-Path $PSScriptRoot 'download_curl.sh'), $bigUrlFile, $out, 1)
        }
        if (Get-Command aria2c -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'aria2c -x1' 1 1GB @('bash', (Join-Path $PSScriptRoot 'download_aria2c.sh'), $bigUrlFile, $out, 1)
        }
        if (Get-Command wget -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'wget' 1 1GB @('bash', (Join-Path $PSScriptRoot 'download_wget.sh'), $bigUrlFile, $out)
        }
        if (Get-Command curl -ErrorAction SilentlyContinue) {
            Invoke-DownloadPeer 'limit: curl to /dev/null (no disk)' 1 1GB @('bash', (Join-Path $PSScriptRoot 'download_limit.sh'), $bigUrlFile)
        }
        if ($IsLinux) {
            Invoke-DownloadPeer 'limit: dd, direct 4 MiB writes (no network)' 1 1GB @('bash', (Join-Path $PSScriptRoot 'download_disk_limit.sh'), $out)
        }
    )
    Write-Ratios $rows -Rate MiBPerSec -Cost CpuSecPerGiB
}
finally {
    if ($server) { Stop-TestServer $server }
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

# Scenario "fetch": 5,000 GETs of a 1 KiB and of a 64 KiB body at concurrency 64, bodies read in
# full; then 100,000 URLs streamed through Invoke-AsyncFetch | Measure-Object for peak memory.
param([Parameter(Mandatory)] [string] $Base)

$count = 5000
$slowPeerCount = 1000
$aiohttpPython = @($Python, '/usr/bin/python3') | Where-Object { $_ -and (Test-Path $_) } |
    Where-Object { & $_ -c 'import aiohttp' 2>$null; $LASTEXITCODE -eq 0 } | Select-Object -First 1

$urlFiles = @{}
foreach ($size in 1024, 65536) {
    $urlFiles[$size] = Join-Path ([IO.Path]::GetTempPath()) "pt-bench-urls-$PID-$size.txt"
    1..$count | ForEach-Object { "$Base/bytes?n=$size&i=$_" } | Set-Content $urlFiles[$size]
}
Write-Host '  (warming the test server: each URL list through it 4 times before the first peer)'
foreach ($size in 1024, 65536) { Invoke-ServerWarmUp $urlFiles[$size] }

foreach ($size in 1024, 65536) {
    Write-Section "fetch: $count GETs of $($size / 1024) KiB at concurrency 64 (ForEach-Object -Parallel: $slowPeerCount, normalised)"
    $urlFile = $urlFiles[$size]
    try {
        $rows = @(
            $ours = @($Pwsh, '-NoProfile', '-File', (Join-Path $PSScriptRoot 'fetch_ours.ps1'), $ModulePath, $urlFile, 64)
            Invoke-Peer 'Invoke-AsyncFetch -ThrottleLimit 64' $count $ours
            Invoke-Peer 'Invoke-AsyncFetch -ThrottleLimit 64' $count $ours -IlOnly
            Invoke-Peer 'ForEach-Object -Parallel { Invoke-WebRequest }' $slowPeerCount @($Pwsh, '-NoProfile', '-File', (Join-Path $PSScriptRoot 'fetch_foreach_parallel.ps1'), $urlFile, $slowPeerCount, 64)
            if ($aiohttpPython) { Invoke-Peer 'python3 asyncio + aiohttp (gather, semaphore 64)' $count @($aiohttpPython, (Join-Path $PSScriptRoot 'fetch_aiohttp.py'), $urlFile, 64) }
            else { Write-Host '  (skipped aiohttp: no python3 with aiohttp; Debian package python3-aiohttp)' }
            Invoke-Peer 'python3 threads (64) + http.client keep-alive' $count @($Python, (Join-Path $PSScriptRoot 'fetch_threads.py'), $urlFile, 64)
            if (Get-Command curl -ErrorAction SilentlyContinue) { Invoke-Peer 'curl --parallel --parallel-max 64' $count @('bash', (Join-Path $PSScriptRoot 'fetch_curl.sh'), $urlFile, 64) }
            Invoke-Peer 'limit: HttpClient driven directly (C#, in pwsh, no pipeline)' $count @($Pwsh, '-NoProfile', '-File', (Join-Path $PSScriptRoot 'fetch_httpclient.ps1'), $urlFile, 64)
        )
        Write-Ratios $rows
    }
    finally {
        Remove-Item $urlFile -ErrorAction SilentlyContinue
    }
}

Write-Section 'fetch: 100,000 URLs streamed through Invoke-AsyncFetch | Measure-Object (peak memory)'
$stream = "Import-Module '$ModulePath'; Import-Module Microsoft.PowerShell.Utility; `$w = [Diagnostics.Stopwatch]::StartNew(); " +
    "`$n = (1..100000 | ForEach-Object { '$Base/bytes?n=1024&i=' + `$_ } | Invoke-AsyncFetch | Measure-Object).Count; " +
    "`"`$n `$(`$w.Elapsed.TotalSeconds)`""
Write-Ratios @(Invoke-Peer 'Invoke-AsyncFetch, 100,000 URLs streamed' 100000 @($Pwsh, '-NoProfile', '-Command', $stream))

# Many small GETs (1 KiB bodies) on loopback at concurrency 64.
param([Parameter(Mandatory)] [string] $Base)

$count = 5000
$urls = 1..$count | ForEach-Object { "$Base/bytes?n=1024&i=$_" }
$peerCount = 500    # the slow peers run a subset; requests/s is comparable

Measure-Run 'Invoke-AsyncFetch -ThrottleLimit 64' $count { ($urls | Invoke-AsyncFetch -ThrottleLimit 64 | Measure-Object).Count }

$subset = $urls[0..($peerCount - 1)]
Measure-Run 'ForEach-Object -Parallel { Invoke-WebRequest } -ThrottleLimit 64' $peerCount {
    ($subset | ForEach-Object -Parallel { Invoke-WebRequest $_ } -ThrottleLimit 64 | Measure-Object).Count
}

$python = Get-Command python3 -ErrorAction SilentlyContinue
if ($python) {
    Measure-Run 'python3 ThreadPoolExecutor(64) + http.client keep-alive' $count {
        [int]($urls -join "`n" | & $python.Source (Join-Path $PSScriptRoot 'fetch_threads.py') 64)
    }
}

$curl = Get-Command curl -ErrorAction SilentlyContinue
if ($curl) {
    $config = Join-Path ([IO.Path]::GetTempPath()) "pt-bench-curl-$PID.txt"
    $urls | ForEach-Object { "url = `"$_`"`noutput = `"/dev/null`"" } | Set-Content $config
    try {
        Measure-Run 'curl --parallel --parallel-max 64' $count {
            & $curl.Source --silent --no-progress-meter --parallel --parallel-max 64 --config $config --write-out "%{http_code}\n" | Where-Object { $_ -eq '200' } | Measure-Object | ForEach-Object Count
        }
    }
    finally {
        Remove-Item $config -ErrorAction SilentlyContinue
    }
}

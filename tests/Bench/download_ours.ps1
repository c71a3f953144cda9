# Invoke-ThreadedDownload as a peer process: a small warm-up, then the timed phase; prints "<files> <seconds>".
param([string] $ModulePath, [string] $UrlFile, [string] $Out, [int] $ThrottleLimit, [int] $SegmentCount = 1)
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$urls = [IO.File]::ReadAllLines($UrlFile)
$warm = Join-Path $Out 'warm-up'
$null = $urls[0] -replace 'big\.bin$', 'f1.bin' | Invoke-ThreadedDownload -Destination $warm
Remove-Item $warm -Recurse
$throttle = if ($ThrottleLimit -gt 0) { @{ ThrottleLimit = $ThrottleLimit } } else { @{} }
$watch = [Diagnostics.Stopwatch]::StartNew()
$count = ($urls | Invoke-ThreadedDownload -Destination $Out -SegmentCount $SegmentCount @throttle | Measure-Object).Count
"$count $($watch.Elapsed.TotalSeconds)"

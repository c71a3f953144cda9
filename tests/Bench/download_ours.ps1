# Invoke-ThreadedDownload as a peer process: a warm-up pass over the same URLs (JIT, connections,
# thread pool; deleted after), then the timed phase; prints "<files> <seconds> <CPU seconds>".
param([string] $ModulePath, [string] $UrlFile, [string] $Out, [int] $ThrottleLimit, [int] $SegmentCount = 1)
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
$options = @{ SegmentCount = $SegmentCount }
if ($ThrottleLimit -gt 0) { $options.ThrottleLimit = $ThrottleLimit }
$warm = Join-Path $Out 'warm-up'
$null = $urls | Invoke-ThreadedDownload -Destination $warm @options
Remove-Item $warm -Recurse
if (-not $IsWindows) { sync }
$cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
$watch = [Diagnostics.Stopwatch]::StartNew()
$count = ($urls | Invoke-ThreadedDownload -Destination $Out @options | Measure-Object).Count
"$count $($watch.Elapsed.TotalSeconds) $(([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpu).TotalSeconds)"

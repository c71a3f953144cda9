# Invoke-AsyncFetch as a peer process: warm-up, then the timed phase; prints "<results> <seconds>".
param([string] $ModulePath, [string] $UrlFile, [int] $ThrottleLimit = 64)
Import-Module $ModulePath
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
$null = $urls[0..999] | Invoke-AsyncFetch -ThrottleLimit $ThrottleLimit
$watch = [Diagnostics.Stopwatch]::StartNew()
$count = ($urls | Invoke-AsyncFetch -ThrottleLimit $ThrottleLimit | Measure-Object).Count
"$count $($watch.Elapsed.TotalSeconds)"

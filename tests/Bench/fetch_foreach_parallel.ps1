# ForEach-Object -Parallel + Invoke-WebRequest as a peer process; prints "<results> <seconds>".
param([string] $UrlFile, [int] $Count, [int] $ThrottleLimit = 64)
$urls = [IO.File]::ReadAllLines($UrlFile) | Select-Object -First $Count
$ProgressPreference = 'SilentlyContinue'
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$watch = [Diagnostics.Stopwatch]::StartNew()
$n = ($urls | ForEach-Object -Parallel { Invoke-WebRequest $_ } -ThrottleLimit $ThrottleLimit | Measure-Object).Count
"$n $($watch.Elapsed.TotalSeconds)"

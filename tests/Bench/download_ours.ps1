# Invoke-ThreadedDownload as a peer process: a warm-up pass over the same URLs (JIT, connections,
# thread pool), then -TimedPasses passes, each into a folder of its own that is deleted (and synced)
# after it, untimed. Prints the median pass by time: "<files> <seconds> <CPU seconds> <JIT seconds>".
# The JIT seconds are the .NET runtime's compiling during the pass (any thread). A young pwsh process
# goes on promoting its own hot code for several seconds, whatever runs: measured on the 1 GiB file,
# 0.46-0.61 s of a 0.9-1.2 s pass after one warm-up pass. Later passes show what a session that has
# been up a while pays; the median of three keeps a slow pass from deciding the figure.
param([string] $ModulePath, [string] $UrlFile, [string] $Out, [int] $ThrottleLimit, [int] $SegmentCount = 1, [int] $TimedPasses = 3)
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
$options = @{ SegmentCount = $SegmentCount }
if ($ThrottleLimit -gt 0) { $options.ThrottleLimit = $ThrottleLimit }

. (Join-Path $PSScriptRoot 'TimedPhase.ps1')
. (Join-Path $PSScriptRoot 'PeerRuns.ps1') # Get-MedianRun

function Invoke-Pass([string] $Destination) {
    $pass = Measure-TimedPhase { ($urls | Invoke-ThreadedDownload -Destination $Destination @options | Measure-Object).Count }
    Remove-Item $Destination -Recurse
    if (-not $IsWindows) { sync }
    $pass
}

$null = Invoke-Pass (Join-Path $Out 'warm-up')
$median = (Get-MedianRun @(foreach ($i in 1..$TimedPasses) { Invoke-Pass (Join-Path $Out "pass-$i") })).Median
"$($median.Result) $($median.Seconds) $($median.Cpu) $($median.Jit)"

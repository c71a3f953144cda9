# Invoke-ThreadedDownload as a peer process: warm-up passes over the same URLs (JIT, connections,
# thread pool), then -TimedPasses passes, each into a folder of its own that is deleted (and synced)
# after it, untimed (Measure-WarmPhase). Prints the median pass by time: "<files> <seconds>
# <CPU seconds> <JIT seconds> <warm-up passes>", the JIT seconds being the .NET runtime's compiling
# during the pass (any thread).
param([string] $ModulePath, [string] $UrlFile, [string] $Out, [int] $ThrottleLimit, [int] $SegmentCount = 1, [int] $TimedPasses = 3, [int] $MaxWarmUpPasses = 4)
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
$options = @{ SegmentCount = $SegmentCount }
if ($ThrottleLimit -gt 0) { $options.ThrottleLimit = $ThrottleLimit }

. (Join-Path $PSScriptRoot 'TimedPhase.ps1')
. (Join-Path $PSScriptRoot 'PeerRuns.ps1') # Get-MedianRun

$median = Measure-WarmPhase -TimedPasses $TimedPasses -MaxWarmUpPasses $MaxWarmUpPasses -Pass {
    param($Name)
    ($urls | Invoke-ThreadedDownload -Destination (Join-Path $Out $Name) @options | Measure-Object).Count
} -After {
    param($Name)
    Remove-Item (Join-Path $Out $Name) -Recurse
    if (-not $IsWindows) { sync }
}
"$($median.Result) $($median.Seconds) $($median.Cpu) $($median.Jit) $($median.WarmUps)"

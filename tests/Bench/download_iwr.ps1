# Invoke-WebRequest -OutFile as a peer process (ForEach-Object -Parallel for many URLs), measured as
# download_ours.ps1 is: warm-up passes, then the median of -TimedPasses passes, each into a folder of
# its own (Measure-WarmPhase). Prints "<files> <seconds> <CPU seconds> <JIT seconds> <warm-up passes>".
param([string] $UrlFile, [string] $Out, [int] $ThrottleLimit, [int] $TimedPasses = 3, [int] $MaxWarmUpPasses = 4)
$ProgressPreference = 'SilentlyContinue'
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
. (Join-Path $PSScriptRoot 'TimedPhase.ps1')
. (Join-Path $PSScriptRoot 'PeerRuns.ps1') # Get-MedianRun

$median = Measure-WarmPhase -TimedPasses $TimedPasses -MaxWarmUpPasses $MaxWarmUpPasses -Pass {
    param($Name)
    $folder = (New-Item -ItemType Directory -Path (Join-Path $Out $Name)).FullName
    if ($urls.Count -eq 1) {
        Invoke-WebRequest $urls[0] -OutFile (Join-Path $folder ($urls[0] -split '/')[-1])
    }
    else {
        $urls | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
            $ProgressPreference = 'SilentlyContinue'
            Invoke-WebRequest $_ -OutFile (Join-Path $using:folder ($_ -split '/')[-1])
        }
    }
    @(Get-ChildItem $folder -File).Count
} -After {
    param($Name)
    Remove-Item (Join-Path $Out $Name) -Recurse
    if (-not $IsWindows) { sync }
}
"$($median.Result) $($median.Seconds) $($median.Cpu) $($median.Jit) $($median.WarmUps)"

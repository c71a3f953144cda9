# Invoke-WebRequest -OutFile as a peer process (ForEach-Object -Parallel for many URLs); prints "<files> <seconds> <CPU seconds> <JIT seconds>"
# (the runtime compiling during the timed phase, as in download_ours.ps1).
param([string] $UrlFile, [string] $Out, [int] $ThrottleLimit)
$ProgressPreference = 'SilentlyContinue'
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$urls = [IO.File]::ReadAllLines($UrlFile)
. (Join-Path $PSScriptRoot 'TimedPhase.ps1')
$phase = Measure-TimedPhase {
    if ($urls.Count -eq 1) {
        Invoke-WebRequest $urls[0] -OutFile (Join-Path $Out ($urls[0] -split '/')[-1])
    }
    else {
        $urls | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
            $ProgressPreference = 'SilentlyContinue'
            Invoke-WebRequest $_ -OutFile (Join-Path $using:Out ($_ -split '/')[-1])
        }
    }
}
"$(@(Get-ChildItem $Out -File).Count) $($phase.Seconds) $($phase.Cpu) $($phase.Jit)"

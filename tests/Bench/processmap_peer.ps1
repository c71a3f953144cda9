# One PowerShell peer of the processmap scenario, as its own process; prints "<items> <seconds>" for
# the timed phase. -Warm runs the call once first (same size) and times the second call (or -Calls
# calls, one right after another).
param(
    [string] $ModulePath,
    [ValidateSet('ProcessMap', 'ForEachParallel', 'StartJob', 'Serial')] [string] $Peer,
    [ValidateSet('square', 'burn')] [string] $Work,
    [int] $Count,
    [int] $Workers,
    [int] $BurnIterations = 0,
    [int] $Calls = 1,
    [switch] $Warm
)
$ProgressPreference = 'SilentlyContinue'
if ($ModulePath) { Import-Module $ModulePath }
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)
$square = { $_ * $_ }
$burn = { $n = 0; for ($i = 0; $i -lt $using:BurnIterations; $i++) { $n = ($n + $i) % 1000003 }; $n }
$items = 1..$Count

function Invoke-Once {
    switch ($Peer) {
        'ProcessMap' {
            if ($Work -eq 'square') { $items | Invoke-ProcessMap $square -ThrottleLimit $Workers }
            else { $items | Invoke-ProcessMap $burn -ThrottleLimit $Workers }
        }
        'ForEachParallel' {
            if ($Work -eq 'square') { $items | ForEach-Object -Parallel { $_ * $_ } -ThrottleLimit $Workers }
            else { $items | ForEach-Object -Parallel { $n = 0; for ($i = 0; $i -lt $using:BurnIterations; $i++) { $n = ($n + $i) % 1000003 }; $n } -ThrottleLimit $Workers }
        }
        'StartJob' {
            $jobs = if ($Work -eq 'square') { $items | ForEach-Object { Start-Job -ArgumentList $_ { param($x) $x * $x } } }
            else { $items | ForEach-Object { Start-Job -ArgumentList $BurnIterations { param($k) $n = 0; for ($i = 0; $i -lt $k; $i++) { $n = ($n + $i) % 1000003 }; $n } } }
            $jobs | Receive-Job -Wait -AutoRemoveJob
        }
        'Serial' {
            $BurnIterations = $BurnIterations
            if ($Work -eq 'square') { $items | ForEach-Object { $_ * $_ } }
            else { $items | ForEach-Object { $n = 0; for ($i = 0; $i -lt $BurnIterations; $i++) { $n = ($n + $i) % 1000003 }; $n } }
        }
    }
}

# A later call in the same session: kept workers have had time to start (Invoke-ProcessMap -KeepWarmSec).
if ($Warm) { $null = Invoke-Once; Start-Sleep -Seconds 3 }
$watch = [Diagnostics.Stopwatch]::StartNew()
# -Calls: that many calls one right after another, as a loop in a script makes them.
$n = 0
foreach ($call in 1..$Calls) { $n += (Invoke-Once | Measure-Object).Count }
"$n $($watch.Elapsed.TotalSeconds)"

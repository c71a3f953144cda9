# One PowerShell peer of the threadmap scenario, as its own process; prints "<items> <seconds>" for
# the timed phase. -Warm runs a 1,000-item call first and times a later one (or -Calls of them, one right
# after another). Invoke-ThreadMap: 3 s later, once the runspaces it keeps for the next call are open.
param(
    [string] $ModulePath,
    [ValidateSet('ThreadMap', 'ForEachParallel', 'Serial')] [string] $Peer,
    [ValidateSet('square', 'sleep10')] [string] $Work,
    [int] $Count,
    [int] $ThrottleLimit,
    [int] $Calls = 1,
    [switch] $Warm
)
$ProgressPreference = 'SilentlyContinue'
if ($ModulePath) { Import-Module $ModulePath }
Import-Module Microsoft.PowerShell.Utility # Measure-Object's module, before the timer: its first use autoloads it (about 0.1 s)

function Invoke-Once([int] $n) {
    switch ("$Peer $Work") {
        'ThreadMap square' { 1..$n | Invoke-ThreadMap -ThrottleLimit $ThrottleLimit { $_ * $_ } }
        'ThreadMap sleep10' { 1..$n | Invoke-ThreadMap -ThrottleLimit $ThrottleLimit { Start-Sleep -Milliseconds 10; $_ } }
        'ForEachParallel square' { 1..$n | ForEach-Object -Parallel { $_ * $_ } -ThrottleLimit $ThrottleLimit }
        'ForEachParallel sleep10' { 1..$n | ForEach-Object -Parallel { Start-Sleep -Milliseconds 10; $_ } -ThrottleLimit $ThrottleLimit }
        'Serial square' { 1..$n | ForEach-Object { $_ * $_ } }
        'Serial sleep10' { 1..$n | ForEach-Object { Start-Sleep -Milliseconds 10; $_ } }
    }
}

if ($Warm) {
    Invoke-Once ([Math]::Min($Count, 1000)) | Out-Null
    if ($Peer -eq 'ThreadMap') { Start-Sleep -Seconds 3 }
}
$watch = [Diagnostics.Stopwatch]::StartNew()
# Counted, not assigned: $null = <pipeline> would collect every output before discarding it.
# -Calls: that many calls one right after another, as a loop in a script makes them.
$n = 0
foreach ($call in 1..$Calls) { $n += (Invoke-Once $Count | Measure-Object).Count }
"$n $($watch.Elapsed.TotalSeconds)"

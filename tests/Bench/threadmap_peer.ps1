# One PowerShell peer of the threadmap scenario, as its own process; prints "<items> <seconds>" for
# the timed phase. -Warm runs a 1,000-item call first and times the next one.
param(
    [string] $ModulePath,
    [ValidateSet('ThreadMap', 'ForEachParallel', 'Serial')] [string] $Peer,
    [ValidateSet('square', 'sleep10')] [string] $Work,
    [int] $Count,
    [int] $ThrottleLimit,
    [switch] $Warm
)
$ProgressPreference = 'SilentlyContinue'
if ($ModulePath) { Import-Module $ModulePath }

function Invoke-Once([int] $n) {
    $items = 1..$n
    switch ("$Peer $Work") {
        'ThreadMap square' { $items | Invoke-ThreadMap -ThrottleLimit $ThrottleLimit { $_ * $_ } }
        'ThreadMap sleep10' { $items | Invoke-ThreadMap -ThrottleLimit $ThrottleLimit { Start-Sleep -Milliseconds 10 } }
        'ForEachParallel square' { $items | ForEach-Object -Parallel { $_ * $_ } -ThrottleLimit $ThrottleLimit }
        'ForEachParallel sleep10' { $items | ForEach-Object -Parallel { Start-Sleep -Milliseconds 10 } -ThrottleLimit $ThrottleLimit }
        'Serial square' { $items | ForEach-Object { $_ * $_ } }
        'Serial sleep10' { $items | ForEach-Object { Start-Sleep -Milliseconds 10 } }
    }
}

if ($Warm) { $null = Invoke-Once ([Math]::Min($Count, 1000)) }
$watch = [Diagnostics.Stopwatch]::StartNew()
$null = Invoke-Once $Count
"$Count $($watch.Elapsed.TotalSeconds)"

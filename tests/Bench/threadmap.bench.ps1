# Scenario "threadmap": (a) 100,000 trivial items; (b) 2,000 items that each wait 10 ms at
# ThrottleLimit 64; (c) 1,000,000 trivial items streamed, for peak memory; (d) a loop of short calls.
param([Parameter(Mandatory)] [string] $Base)

$peer = Join-Path $PSScriptRoot 'threadmap_peer.ps1'
# -IlOnly: on the IL-only pwsh, in a run that has one (see Invoke-Peer).
function PwshPeer([string] $Name, [string] $PeerName, [string] $Work, [int] $Count, [int] $Throttle, [switch] $Warm, [int] $Calls = 1, [switch] $IlOnly) {
    $arguments = @($Pwsh, '-NoProfile', '-File', $peer, '-ModulePath', $ModulePath, '-Peer', $PeerName, '-Work', $Work,
        '-Count', $Count, '-ThrottleLimit', $Throttle, '-Calls', $Calls)
    if ($Warm) { $arguments += '-Warm' }
    Invoke-Peer $Name ($Count * $Calls) $arguments -IlOnly:$IlOnly
}

$throttle = 16
$slowPeerCount = 2000
Write-Section "threadmap (a): 100,000 trivial items (`$_ * `$_), ThrottleLimit $throttle (ForEach-Object -Parallel: $slowPeerCount, normalised)"
Write-Ratios @(
    PwshPeer 'Invoke-ThreadMap, warm' ThreadMap square 100000 $throttle -Warm
    PwshPeer 'Invoke-ThreadMap, cold (runspaces open)' ThreadMap square 100000 $throttle
    PwshPeer 'Invoke-ThreadMap, warm' ThreadMap square 100000 $throttle -Warm -IlOnly
    PwshPeer "ForEach-Object -Parallel -ThrottleLimit $throttle" ForEachParallel square $slowPeerCount $throttle -Warm
    PwshPeer 'ForEach-Object (serial)' Serial square 100000 1 -Warm
)

$ideal = 2000 * 0.010 / 64
Write-Section ("threadmap (b): 2,000 items of Start-Sleep -Milliseconds 10 at ThrottleLimit 64 (ideal {0:0.000} s)" -f $ideal)
$rows = @(
    PwshPeer 'Invoke-ThreadMap -ThrottleLimit 64, warm' ThreadMap sleep10 2000 64 -Warm
    PwshPeer 'Invoke-ThreadMap -ThrottleLimit 64, cold' ThreadMap sleep10 2000 64
    PwshPeer 'Invoke-ThreadMap -ThrottleLimit 64, warm' ThreadMap sleep10 2000 64 -Warm -IlOnly
    PwshPeer 'ForEach-Object -Parallel -ThrottleLimit 64, warm' ForEachParallel sleep10 2000 64 -Warm
)
Write-Ratios $rows
$rows | Where-Object { $_ } | ForEach-Object { "  {0}: {1:0.00}x the ideal time" -f $_.Peer, ($_.TimedSec / $ideal) } | Out-Host

Write-Section 'threadmap (c): 1,000,000 trivial items streamed through Invoke-ThreadMap | Measure-Object (peak memory)'
Write-Ratios @(PwshPeer 'Invoke-ThreadMap, 1,000,000 items' ThreadMap square 1000000 $throttle)

Write-Section "threadmap (d): 20 calls of 100 trivial items, one right after another (a loop in a script), ThrottleLimit $throttle"
Write-Ratios @(
    PwshPeer 'Invoke-ThreadMap, 20 calls' ThreadMap square 100 $throttle -Warm -Calls 20
    PwshPeer "ForEach-Object -Parallel -ThrottleLimit $throttle, 20 calls" ForEachParallel square 100 $throttle -Warm -Calls 20
    PwshPeer 'ForEach-Object (serial), 20 calls' Serial square 100 1 -Warm -Calls 20
)

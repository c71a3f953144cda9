# Scenario "processmap": (a) overhead on 10,000 trivial items; (b) 8 CPU-bound items of about a
# second; (c) a loop of short calls.
# Cold = the first call in a fresh process (worker start-up included); warm = a second call.
param([Parameter(Mandatory)] [string] $Base)

$cores = [Environment]::ProcessorCount
$peer = Join-Path $PSScriptRoot 'processmap_peer.ps1'
# -IlOnly: on the IL-only pwsh, in a run that has one (see Invoke-Peer), its workers too.
function PwshPeer([string] $Name, [string] $PeerName, [string] $Work, [int] $Count, [int] $Iterations = 0, [switch] $Warm, [int] $Calls = 1, [switch] $IlOnly) {
    $arguments = @($Pwsh, '-NoProfile', '-File', $peer, '-ModulePath', $ModulePath, '-Peer', $PeerName, '-Work', $Work,
        '-Count', $Count, '-Workers', $cores, '-BurnIterations', $Iterations, '-Calls', $Calls)
    if ($Warm) { $arguments += '-Warm' }
    Invoke-Peer $Name ($Count * $Calls) $arguments -IlOnly:$IlOnly
}

Write-Section "processmap (a): 10,000 trivial items (`$_ * `$_) on $cores workers (Start-Job: 100 items, normalised)"
$rows = @(
    PwshPeer 'Invoke-ProcessMap, warm' ProcessMap square 10000 -Warm
    PwshPeer 'Invoke-ProcessMap, cold (workers start)' ProcessMap square 10000
    PwshPeer 'Invoke-ProcessMap, warm' ProcessMap square 10000 -Warm -IlOnly
    PwshPeer 'Invoke-ProcessMap, cold (workers start)' ProcessMap square 10000 -IlOnly
    PwshPeer "ForEach-Object -Parallel -ThrottleLimit $cores" ForEachParallel square 10000
    PwshPeer 'Start-Job per item' StartJob square 100
    if ($Python) {
        Invoke-Peer "python3 Pool($cores).map, warm" 10000 @($Python, (Join-Path $PSScriptRoot 'processmap_pool.py'), 'square', 10000, $cores, 0, 1)
        Invoke-Peer "python3 Pool($cores).map, cold" 10000 @($Python, (Join-Path $PSScriptRoot 'processmap_pool.py'), 'square', 10000, $cores, 0, 0)
    }
)
Write-Ratios $rows

# About one second of pure CPU per item in pwsh (measured: 2,143,059 iterations of this loop).
$iterations = 2000000
Write-Section "processmap (b): 8 CPU-bound items of about 1 s each on $cores workers; speedup = serial / peer"
$rows = @(
    PwshPeer 'Invoke-ProcessMap, warm' ProcessMap burn 8 $iterations -Warm
    PwshPeer 'Invoke-ProcessMap, cold' ProcessMap burn 8 $iterations
    PwshPeer 'ForEach-Object (serial)' Serial burn 8 $iterations
    PwshPeer "ForEach-Object -Parallel -ThrottleLimit $cores" ForEachParallel burn 8 $iterations
    PwshPeer 'Start-Job per item' StartJob burn 8 $iterations
)
Write-Ratios $rows

Write-Section "processmap (c): 10 calls of 100 trivial items, one right after another (a loop in a script), on $cores workers"
Write-Ratios @(
    PwshPeer 'Invoke-ProcessMap, 10 calls' ProcessMap square 100 -Warm -Calls 10
    PwshPeer "ForEach-Object -Parallel -ThrottleLimit $cores, 10 calls" ForEachParallel square 100 -Warm -Calls 10
    PwshPeer 'Start-Job per item, 10 calls of 2 items' StartJob square 2 -Warm -Calls 10
    if ($Python) { Invoke-Peer "python3 Pool($cores).map, 10 maps on one pool" 1000 @($Python, (Join-Path $PSScriptRoot 'processmap_pool.py'), 'square', 100, $cores, 0, 1, 10) }
)

# Scenario "processmap": (a) overhead on 10,000 trivial items; (b) 8 CPU-bound items of about a second.
# Cold = the first call in a fresh process (worker start-up included); warm = a second call.
param([Parameter(Mandatory)] [string] $Base)

$cores = [Environment]::ProcessorCount
$peer = Join-Path $PSScriptRoot 'processmap_peer.ps1'
function PwshPeer([string] $Name, [string] $PeerName, [string] $Work, [int] $Count, [int] $Iterations = 0, [switch] $Warm) {
    $arguments = @($Pwsh, '-NoProfile', '-File', $peer, '-ModulePath', $ModulePath, '-Peer', $PeerName, '-Work', $Work,
        '-Count', $Count, '-Workers', $cores, '-BurnIterations', $Iterations)
    if ($Warm) { $arguments += '-Warm' }
    Invoke-Peer $Name $Count $arguments
}

Write-Section "processmap (a): 10,000 trivial items (`$_ * `$_) on $cores workers (Start-Job: 100 items, normalised)"
$rows = @(
    PwshPeer 'Invoke-ProcessMap, warm' ProcessMap square 10000 -Warm
    PwshPeer 'Invoke-ProcessMap, cold (workers start)' ProcessMap square 10000
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

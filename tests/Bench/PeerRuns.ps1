# How a peer's timed runs are taken and summed up: -Runs runs one after another, fewer when they
# take over the budget (the slow peers, far off in their ratios), and the median run by timed phase,
# the slower middle one with an even count, with the fastest and slowest phases beside it.

# Runs MeasureOnce (which returns a run: Ok, Seconds, ProcessSec, ...) up to Runs times, before each
# run Before when given; stops after the first run once the runs' ProcessSec add up to BudgetSec, and
# at the first failed run, which is then the only one returned.
function Invoke-PeerRuns([int] $Runs, [double] $BudgetSec, [scriptblock] $MeasureOnce, [scriptblock] $Before) {
    $measured = [System.Collections.Generic.List[object]]::new()
    $spentSec = 0.0
    while ($measured.Count -lt $Runs -and ($measured.Count -eq 0 -or $spentSec -lt $BudgetSec)) {
        if ($Before) { & $Before }
        $run = & $MeasureOnce
        if (-not $run.Ok) { return , @($run) }
        $measured.Add($run)
        $spentSec += $run.ProcessSec
    }
    , $measured.ToArray()
}

# The median run of Runs by Seconds, and the fastest and slowest Seconds.
function Get-MedianRun([object[]] $Runs) {
    $sorted = @($Runs | Sort-Object Seconds)
    [pscustomobject]@{
        Median  = $sorted[[math]::Floor($sorted.Count / 2)]
        Fastest = $sorted[0].Seconds
        Slowest = $sorted[-1].Seconds
        Count   = $sorted.Count
    }
}

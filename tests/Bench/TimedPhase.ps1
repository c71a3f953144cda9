# The cost of one timed phase inside a peer process: what Phase outputs (Result), its wall seconds, the
# process's CPU seconds over it (every thread) and the seconds the .NET runtime spent compiling in it.
function Measure-TimedPhase([scriptblock] $Phase) {
    $jit = [System.Runtime.JitInfo]::GetCompilationTime($false)
    $cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Phase
    [pscustomobject]@{
        Result  = $result
        Seconds = $watch.Elapsed.TotalSeconds
        Cpu     = ([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpu).TotalSeconds
        Jit     = ([System.Runtime.JitInfo]::GetCompilationTime($false) - $jit).TotalSeconds
    }
}

# The median of TimedPasses timed passes of Pass in this process, after warm-up passes. A young pwsh
# process goes on promoting its own start-up code (the parser, the compiler, LINQ expressions) to
# optimised code in the background for several seconds, whatever runs: measured on the 1 GiB
# download, the pass after one warm-up pass compiled for 0.9 s of its 1.1 s (1,200 methods, nearly
# all pwsh's and the BCL's), later passes for 0.05-0.2 s. So warm-up passes go on until one compiles
# for at most a tenth of its time, or MaxWarmUpPasses have run: the timed passes show what a session
# that has been up a while pays. Pass gets the pass's name ("warm-up-0", "pass-1", ...); After, when
# given, runs untimed after each pass with the same name. The median pass carries WarmUps, how many
# warm-up passes ran. Needs PeerRuns.ps1 (Get-MedianRun).
function Measure-WarmPhase([scriptblock] $Pass, [scriptblock] $After, [int] $TimedPasses = 3, [int] $MaxWarmUpPasses = 4) {
    function Invoke-Pass([string] $Name) {
        $measured = Measure-TimedPhase { & $Pass $Name }
        if ($After) { & $After $Name }
        $measured
    }
    $warmUps = 0
    do { $warm = Invoke-Pass "warm-up-$warmUps"; $warmUps++ }
    while ($warm.Jit -gt 0.1 * $warm.Seconds -and $warmUps -lt $MaxWarmUpPasses)
    $median = (Get-MedianRun @(foreach ($i in 1..$TimedPasses) { Invoke-Pass "pass-$i" })).Median
    $median | Add-Member -NotePropertyName WarmUps -NotePropertyValue $warmUps -PassThru
}

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

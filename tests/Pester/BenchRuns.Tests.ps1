# The bench's rows: how many runs a peer gets and which one is its row (tests/Bench/PeerRuns.ps1), and
# which passes inside a pwsh peer's run are timed (tests/Bench/TimedPhase.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot '../Bench/PeerRuns.ps1')
    . (Join-Path $PSScriptRoot '../Bench/TimedPhase.ps1')
    function New-Run([double] $Seconds, [double] $ProcessSec = 1, [bool] $Ok = $true) {
        [pscustomobject]@{ Ok = $Ok; Seconds = $Seconds; ProcessSec = $ProcessSec; Why = $Ok ? $null : 'exit 1' }
    }
}

Describe 'Get-MedianRun' {
    It 'takes the middle run by timed phase, whatever order the runs came in' {
        $summary = Get-MedianRun @((New-Run 0.9), (New-Run 0.3), (New-Run 0.5))
        $summary.Median.Seconds | Should -Be 0.5
        $summary.Fastest | Should -Be 0.3
        $summary.Slowest | Should -Be 0.9
        $summary.Count | Should -Be 3
    }

    It 'takes the slower middle run of an even count' {
        (Get-MedianRun @((New-Run 0.4), (New-Run 0.1), (New-Run 0.2), (New-Run 0.3))).Median.Seconds | Should -Be 0.3
    }

    It 'takes the one run of a single run' {
        $summary = Get-MedianRun @(New-Run 0.7)
        $summary.Median.Seconds | Should -Be 0.7
        $summary.Fastest, $summary.Slowest | Should -Be 0.7, 0.7
    }
}

Describe 'Invoke-PeerRuns' {
    BeforeEach {
        $script:made = 0
        $script:before = 0
    }

    It 'makes -Runs runs, each after the Before block' {
        $runs = Invoke-PeerRuns 3 20 { $script:made++; New-Run 0.2 } { $script:before++ }
        $runs.Count | Should -Be 3
        $script:made | Should -Be 3
        $script:before | Should -Be 3
    }

    It 'stops once the runs have spent the budget, but always makes one' {
        (Invoke-PeerRuns 5 10 { New-Run 4 -ProcessSec 4 }).Count | Should -Be 3 -Because '4 + 4 is under 10, 12 is not'
        (Invoke-PeerRuns 5 10 { New-Run 30 -ProcessSec 30 }).Count | Should -Be 1
    }

    It 'returns the failed run alone, at the first failure' {
        $runs = Invoke-PeerRuns 3 20 { $script:made++; New-Run 0.2 -Ok ($script:made -ne 2) }
        $runs.Count | Should -Be 1
        $runs[0].Ok | Should -BeFalse
        $runs[0].Why | Should -Be 'exit 1'
        $script:made | Should -Be 2
    }
}

Describe 'Measure-WarmPhase' {
    BeforeEach {
        $script:passes = [System.Collections.Generic.List[string]]::new()
        $script:after = [System.Collections.Generic.List[string]]::new()
        # Stands in for Measure-TimedPhase: runs the phase, and gives the next canned (seconds, JIT seconds).
        $script:canned = [System.Collections.Generic.Queue[object]]::new()
        function Measure-TimedPhase([scriptblock] $Phase) {
            $seconds, $jit = $script:canned.Dequeue()
            [pscustomobject]@{ Result = (& $Phase); Seconds = $seconds; Cpu = $seconds; Jit = $jit }
        }
        $pass = { param($Name) $script:passes.Add($Name); $Name }
        $cleanUp = { param($Name) $script:after.Add($Name) }
    }

    It 'warms up until a pass compiles for at most a tenth of its time, then times three passes' {
        foreach ($p in (1.0, 0.9), (1.0, 0.3), (1.0, 0.1), (0.8, 0.2), (0.5, 0.0), (0.7, 0.0)) { $script:canned.Enqueue($p) }
        $median = Measure-WarmPhase -Pass $pass -After $cleanUp
        $median.WarmUps | Should -Be 3
        $script:passes | Should -Be 'warm-up-0', 'warm-up-1', 'warm-up-2', 'pass-1', 'pass-2', 'pass-3'
        $script:after | Should -Be $script:passes
        $median.Result | Should -Be 'pass-3' # 0.7 s, between 0.5 and 0.8
        $script:canned.Count | Should -Be 0
    }

    It 'stops warming up after -MaxWarmUpPasses passes whatever they compile' {
        foreach ($p in (1.0, 0.9), (1.0, 0.9), (1.0, 0.9), (0.6, 0.5)) { $script:canned.Enqueue($p) }
        $median = Measure-WarmPhase -Pass $pass -MaxWarmUpPasses 2 -TimedPasses 2
        $median.WarmUps | Should -Be 2
        $script:passes | Should -Be 'warm-up-0', 'warm-up-1', 'pass-1', 'pass-2'
        $median.Result | Should -Be 'pass-1' # the slower middle of an even count
    }
}

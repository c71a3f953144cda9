# The bench's rows: how many runs a peer gets and which one is its row (tests/Bench/PeerRuns.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot '../Bench/PeerRuns.ps1')
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

BeforeAll {
    . (Join-Path $PSScriptRoot 'SpecHelpers.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    # Counting worker processes needs calls that keep no warm workers; the warm pool has its own test.
    $PSDefaultParameterValues['Invoke-ProcessMap:KeepWarmSec'] = 0

    # Worker processes are pwsh processes started by this one.
    function Get-WorkerCount { @(Get-Process pwsh -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID }).Count }

    function Wait-NoWorkers {
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ((Get-WorkerCount) -gt 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-WorkerCount
    }

    # Worker runspaces (Get-Runspace lists them as ProcessMap<Id>) not in $Before and still not
    # closed after a wait: "<Name> <State>" each.
    function Get-UnclosedWorkerRunspace([int[]] $Before) {
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        do {
            $left = @(Get-Runspace -Name 'ProcessMap*' | Where-Object { $_.Id -notin $Before -and $_.RunspaceStateInfo.State -ne 'Closed' })
            if ($left.Count -gt 0) { Start-Sleep -Milliseconds 200 }
        } while ($left.Count -gt 0 -and [datetime]::UtcNow -lt $deadline)
        $left | ForEach-Object { "$($_.Name) $($_.RunspaceStateInfo.State)" }
    }
}

Describe 'Invoke-ProcessMap results' {
    It 'runs the items in other processes, in parallel workers' {
        $pids = 1..40 | Invoke-ProcessMap -ThrottleLimit 2 -BatchSize 1 { Start-Sleep -Milliseconds 20; $PID }
        $pids | Should -Not -Contain $PID
        ($pids | Select-Object -Unique).Count | Should -Be 2
    }

    It 'sends items in batches of -BatchSize' {
        $pids = 1..20 | Invoke-ProcessMap -ThrottleLimit 2 -BatchSize 10 { $PID }
        ($pids[0..9] | Select-Object -Unique).Count | Should -Be 1
        ($pids[10..19] | Select-Object -Unique).Count | Should -Be 1
    }

    It 'brings objects back deserialised, as Start-Job does' {
        $r = 1 | Invoke-ProcessMap { [pscustomobject]@{ N = $_; When = [datetime]'2024-01-02'; Tags = @('a', 'b') } }
        $r.N | Should -Be 1
        $r.When | Should -BeOfType ([datetime])
        $r.Tags | Should -Be @('a', 'b')
        $r.PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
    }
}

Describe 'Invoke-ProcessMap state' {
    It 'copies $using: values into the workers, including expressions' {
        $factor = 3
        $config = @{ Offset = 100 }
        1..3 | Invoke-ProcessMap { $_ * $using:factor + $using:config.Offset } | Should -Be @(103, 106, 109)
    }

    It 'passes -ArgumentList after the item' {
        1..2 | Invoke-ProcessMap { param($x, $a, $b) "$x-$a-$b" } -ArgumentList 'p', 'q' | Should -Be @('1-p-q', '2-p-q')
    }

    It 'runs -InitializationScript once in each worker' {
        $r = 1..6 | Invoke-ProcessMap -ThrottleLimit 2 -InitializationScript { function Get-Double($n) { 2 * $n }; $global:started = $PID } { "$(Get-Double $_) $started" }
        $r | ForEach-Object { ($_ -split ' ')[0] } | Should -Be @(2, 4, 6, 8, 10, 12)
    }

    It 'imports -ImportModule by path in each worker' {
        $module = Join-Path $TestDrive 'Helper.psm1'
        Set-Content $module 'function Get-Triple($n) { 3 * $n }'
        1..3 | Invoke-ProcessMap -ImportModule $module { Get-Triple $_ } | Should -Be @(3, 6, 9)
    }

    It 'does not see the caller''s functions, and says so in the item''s error' {
        function Get-LocalOnly { 42 }
        $null = 1 | Invoke-ProcessMap { Get-LocalOnly } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike "*Get-LocalOnly*not recognized*"
        $errs[0].TargetObject | Should -Be 1
    }
}

Describe 'Invoke-ProcessMap errors and streams' {
    It 'turns a throw into one error for that item, with the script''s error id, and goes on' {
        $r = 1..5 | Invoke-ProcessMap { if ($_ -eq 3) { throw [System.IO.FileNotFoundException]::new("item $_ missing") }; $_ } -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -Be @(1, 2, 4, 5)
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 3
        $errs[0].Exception.Message | Should -Be 'item 3 missing'
        $errs[0].FullyQualifiedErrorId | Should -Not -BeNullOrEmpty
    }

    It 'gives exactly one outcome per item under mixed failures' {
        $r = 1..60 | Invoke-ProcessMap -BatchSize 4 { if ($_ % 7 -eq 0) { throw "bad $_" }; if ($_ % 5 -eq 0) { 1..3 | ForEach-Object { 'extra' } } else { $_ } } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 8
        $errs.TargetObject | Should -Be @(7, 14, 21, 28, 35, 42, 49, 56)
        @($r | Where-Object { $_ -ne 'extra' }).Count | Should -Be (60 - 8 - 12 + 1)   # 35 both throws and is a multiple of 5
    }

    It 'streams an item''s many outputs' {
        $count = (1 | Invoke-ProcessMap { 1..100000 } | Measure-Object).Count
        $count | Should -Be 100000
    }
}

Describe 'Invoke-ProcessMap faults' {
    It 'kills and replaces a worker whose item exceeds -TimeoutSec, and goes on' {
        $before = @(Get-Runspace -Name 'ProcessMap*').Id
        $seconds = Measure-Seconds {
            $script:r = 1..4 | Invoke-ProcessMap -ThrottleLimit 1 -TimeoutSec 2 { if ($_ -eq 2) { Start-Sleep 60 }; $_ } -ErrorVariable script:errs -ErrorAction SilentlyContinue
        }
        $r | Should -Be @(1, 3, 4)
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        $seconds | Should -BeLessThan 30
        Wait-NoWorkers | Should -Be 0
        # The timed-out worker's runspace closes too: closed only after its process was killed, it
        # stayed "Closing" for good, with a thread blocked on it.
        Get-UnclosedWorkerRunspace $before | Should -BeNullOrEmpty
    }

    It 'kills the process of a timed-out worker whose script ignores the stop, and goes on' {
        # [Threading.Thread]::Sleep does not see PowerShell's stop: the worker is told to close, then killed 2 s later.
        $r = 1..3 | Invoke-ProcessMap -ThrottleLimit 1 -TimeoutSec 1 { if ($_ -eq 2) { [Threading.Thread]::Sleep(60000) }; $_ } -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -Be @(1, 3)
        $errs.TargetObject | Should -Be 2
        Wait-NoWorkers | Should -Be 0
    }

    It 'replaces a worker that is killed (kill -9) and fails only the item it ran' {
        $r = 1..6 | Invoke-ProcessMap -ThrottleLimit 2 -BatchSize 1 { if ($_ -eq 3) { Stop-Process -Id $PID -Force }; $_ } -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -Be @(1, 2, 4, 5, 6)
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 3
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.WorkerDied*'
        Wait-NoWorkers | Should -Be 0
    }

    It 'runs the item again after its worker died, with -MaximumRetryCount' {
        $flag = Join-Path $TestDrive 'died-once'
        $r = 1..3 | Invoke-ProcessMap -MaximumRetryCount 1 {
            if ($_ -eq 2 -and -not (Test-Path $using:flag)) { Set-Content $using:flag 'x'; [Environment]::Exit(9) }
            $_
        } -ErrorVariable errs
        $r | Should -Be @(1, 2, 3)
        $errs.Count | Should -Be 0
    }
}

Describe 'Invoke-ProcessMap stopping' {
    It 'leaves no worker process after normal completion' {
        $null = 1..10 | Invoke-ProcessMap { $_ }
        Wait-NoWorkers | Should -Be 0
    }

    It 'stops promptly when Select-Object -First has enough, and leaves no worker' {
        $seconds = Measure-Seconds { $script:first = 1..1000 | Invoke-ProcessMap { Start-Sleep -Milliseconds 200; $_ } | Select-Object -First 3 }
        $first | Should -Be @(1, 2, 3)
        $seconds | Should -BeLessThan 10
        Wait-NoWorkers | Should -Be 0
    }

    It 'stops on the first error with -ErrorAction Stop, and leaves no worker' {
        { 1..1000 | Invoke-ProcessMap { if ($_ -eq 2) { throw 'stop here' }; Start-Sleep -Milliseconds 100; $_ } -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*stop here*'
        Wait-NoWorkers | Should -Be 0
    }

    It 'stops promptly on Ctrl+C (PowerShell.Stop) with items running, and leaves no worker' {
        $before = @(Get-Runspace -Name 'ProcessMap*').Id
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath)
                    Import-Module $ModulePath
                    1..100 | Invoke-ProcessMap -KeepWarmSec 0 { Start-Sleep 30; $_ }
                }).AddArgument($env:PARALLELTOOLS_MODULE)
            $handle = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while ((Get-WorkerCount) -lt 2 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 500
            $handle.IsCompleted | Should -BeFalse
            $seconds = Measure-Seconds { $ps.Stop() }
            $seconds | Should -BeLessThan 10
            Wait-NoWorkers | Should -Be 0
            Get-UnclosedWorkerRunspace $before | Should -BeNullOrEmpty
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Invoke-ProcessMap and the session that calls it' {
    It 'lets its pwsh exit promptly after killing workers (timeout, kill -9, early stop)' {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $script = "Import-Module '$env:PARALLELTOOLS_MODULE'; " +
            '$null = 1..3 | Invoke-ProcessMap -ThrottleLimit 1 -TimeoutSec 1 { if ($_ -eq 2) { Start-Sleep 60 }; $_ } -ErrorAction SilentlyContinue; ' +
            '$null = 1..100 | Invoke-ProcessMap { Start-Sleep -Milliseconds 100; $_ } | Select-Object -First 1; ''exiting'''
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $process = Start-Process $pwsh -ArgumentList '-NoProfile', '-Command', $script -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'out.txt')
        $exited = $process.WaitForExit(45000)
        if (-not $exited) { $process.Kill($true) }
        $exited | Should -BeTrue -Because 'remoting threads of killed workers must not keep the session alive'
        Get-Content (Join-Path $TestDrive 'out.txt') | Should -Contain 'exiting'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 45
    }
}

Describe 'Invoke-ProcessMap warm workers' {
    It 'keeps workers for -KeepWarmSec, lets the next call use them, then closes them' {
        $null = 1..4 | Invoke-ProcessMap -ThrottleLimit 2 -KeepWarmSec 6 { $global:fromFirstCall = 1; $_ }
        # The call's own workers are reset and kept (or closed as new ones start): wait for the count to settle at two.
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        $stable = 0
        while ($stable -lt 10 -and [datetime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 100
            $stable = if ((Get-WorkerCount) -eq 2) { $stable + 1 } else { 0 }
        }
        $warm = @(Get-Process pwsh | Where-Object { $_.Parent.Id -eq $PID }).Id
        $warm.Count | Should -Be 2
        # Get-Runspace names their runspaces. Not an exact count: one run under load saw 3 open here,
        # and the runspace of a killed worker stays listed while remoting waits for its dead process.
        @(Get-Runspace -Name 'ProcessMap*' | Where-Object { $_.RunspaceStateInfo.State -eq 'Opened' }).Count | Should -BeGreaterOrEqual 2

        # The next call runs on the kept processes, with none of the earlier call's state.
        # Kept workers ran the worker loop once on dummy items; none of its variables is left for the call
        # (the call's own set-up defines __ptArguments before -InitializationScript runs, as in a new worker).
        $init = { $global:leftover = @(Get-Variable -Scope Global -Name __pt* -Exclude __ptArguments -ErrorAction Ignore).Name -join ',' }
        # Each item takes 0.1 s, so one worker cannot finish them all before the other has run the call's
        # set-up: with instant items, a run on a loaded machine saw the first worker take all 20.
        $pids = 1..20 | Invoke-ProcessMap -ThrottleLimit 2 -BatchSize 1 -KeepWarmSec 3 -InitializationScript $init {
            Start-Sleep -Milliseconds 100
            if (Test-Path variable:fromFirstCall) { 'state leaked' } elseif ($leftover) { "left: $leftover" } else { $PID } }
        $pids | Should -Not -Contain 'state leaked'
        $pids | Where-Object { "$_" -like 'left:*' } | Should -BeNullOrEmpty
        $pids | Select-Object -Unique | Sort-Object | Should -Be ($warm | Sort-Object)

        Start-Sleep 4
        Wait-NoWorkers | Should -Be 0
    }

    It 'reuses its worker processes for the next call, reset: none of its variables, location or errors remain' {
        # 0.1 s an item, so both workers serve the first call (instant items once all went to one) and
        # both are among $first.
        $first = @(1..20 | Invoke-ProcessMap -ThrottleLimit 2 -KeepWarmSec 10 -BatchSize 1 {
                Start-Sleep -Milliseconds 100
                $global:leaked = 'from the first call'
                Set-Location $using:TestDrive
                Write-Error 'an error of the first call' -ErrorAction SilentlyContinue
                $PID
            } | Select-Object -Unique)
        $second = 1..20 | Invoke-ProcessMap -ThrottleLimit 2 -KeepWarmSec 10 -BatchSize 1 {
            [pscustomobject]@{ Id = $PID; Leaked = $global:leaked; Location = "$PWD"; Errors = $Error.Count }
        }
        $null = 1 | Invoke-ProcessMap -KeepWarmSec 0 { } # closes the kept workers

        @($second.Id | Where-Object { $_ -notin $first }).Count | Should -Be 0 -Because "the second call should run in the first call's processes ($first), reset"
        @($second | Where-Object Leaked).Count | Should -Be 0
        @($second | Where-Object Location -EQ "$TestDrive").Count | Should -Be 0
        @($second | Where-Object Errors -NE 0).Count | Should -Be 0
        Wait-NoWorkers | Should -Be 0
    }

    It 'does not reuse a worker process left with <Case>' -ForEach @(
        @{ Case = 'an environment variable'; Setup = @{ ScriptBlock = { $env:PT_LEFT_BEHIND = 'yes' } }; Check = '[bool]$env:PT_LEFT_BEHIND' }
        @{ Case = 'a type added with Add-Type'; Setup = @{ ScriptBlock = { Add-Type -TypeDefinition "public static class PtLeftBehind$PID { }" } }; Check = "[bool]('PtLeftBehind' + `$PID -as [type])" }
        @{ Case = 'a global function'; Setup = @{ ScriptBlock = { function global:LeftBehind { } } }; Check = 'Test-Path function:LeftBehind' }
        @{ Case = 'type data from -InitializationScript'; Setup = @{ InitializationScript = { Update-TypeData -TypeName System.Int32 -MemberName PtLeftBehind -MemberType NoteProperty -Value 1 -Force } }; Check = '$null -ne (5).PtLeftBehind' }
        @{ Case = 'a pushed location'; Setup = @{ ScriptBlock = { Push-Location $PSHOME } }; Check = '(Get-Location -Stack).Count -gt 0' }
        @{ Case = 'an -ImportModule module'; Setup = @{ ImportModule = 'LeftBehind.psm1' }; Check = '[bool](Get-Module LeftBehind)' }
    ) {
        $options, $firstScript = Get-LeftBehindCall $Setup '$PID' $TestDrive

        # Workers a call opens itself are reset and kept like any; in case one is not, the first call runs twice.
        $first = @(foreach ($round in 1..2) { 1..4 | Invoke-ProcessMap -ThrottleLimit 2 -KeepWarmSec 10 -BatchSize 1 @options $firstScript }) | Select-Object -Unique
        $second = 1..4 | Invoke-ProcessMap -ThrottleLimit 2 -KeepWarmSec 10 -BatchSize 1 ([scriptblock]::Create("[pscustomobject]@{ Id = `$PID; Left = $Check }"))
        $null = 1 | Invoke-ProcessMap -KeepWarmSec 0 { }

        $first.Count | Should -BeGreaterThan 0
        @($second | Where-Object Left).Count | Should -Be 0
        @($second.Id | Where-Object { $_ -in $first }).Count | Should -Be 0 -Because 'a worker left with it is closed, and a new one started in its place'
        Wait-NoWorkers | Should -Be 0
    }
}

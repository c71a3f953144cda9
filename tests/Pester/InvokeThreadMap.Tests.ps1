# Invoke-ThreadMap: runspaces in this process, live state, outputs, faults, stopping (the basic
# results, order, progress and stream forwarding are in Family.Tests.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'SpecHelpers.ps1')
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    # Counting open runspaces needs calls that keep no warm ones; the warm pool has its own test.
    $PSDefaultParameterValues['Invoke-ThreadMap:KeepWarmSec'] = 0
    $script:Server = Start-TestServer
    $script:Base = $Server.BaseUri

    # Open runspaces of this process that Invoke-ThreadMap opened (it names them ThreadMap<Id>).
    function Get-OpenRunspaceCount { @(Get-OpenWorkerRunspace).Count }
    function Get-OpenWorkerRunspace { Get-Runspace -Name 'ThreadMap*' | Where-Object { $_.RunspaceStateInfo.State -eq 'Opened' } }
    # What a failed count shows: every runspace of this process.
    function Show-Runspaces { Get-Runspace | Format-Table Id, Name, @{ n = 'State'; e = { $_.RunspaceStateInfo.State } }, Availability | Out-String }
}

AfterAll {
    Stop-TestServer $Server
}

Describe 'Invoke-ThreadMap results' {
    It 'runs the items in this process, on several threads at once' {
        $r = 1..40 | Invoke-ThreadMap -ThrottleLimit 4 -BatchSize 1 { Start-Sleep -Milliseconds 20; "$PID $([Threading.Thread]::CurrentThread.ManagedThreadId)" }
        ($r | ForEach-Object { ($_ -split ' ')[0] } | Select-Object -Unique) | Should -Be $PID
        ($r | ForEach-Object { ($_ -split ' ')[1] } | Select-Object -Unique).Count | Should -Be 4
    }

    It 'hands over the objects themselves, not copies' {
        $file = Get-Item $PSCommandPath
        $r = $file | Invoke-ThreadMap { $_ }
        [object]::ReferenceEquals($r, $file) | Should -BeTrue
        $r | Should -BeOfType ([IO.FileInfo])
    }

    It 'streams an item''s many outputs' {
        (1 | Invoke-ThreadMap { 1..100000 } | Measure-Object).Count | Should -Be 100000
    }

    It 'streams many items through bounded memory (items already run are not kept)' {
        # Measured: 14 MB of growth for 200,000 items, 38 MB when every batch sent was kept.
        $base = [GC]::GetTotalMemory($true)
        $peak = 0
        $n = 0
        1..300000 | Invoke-ThreadMap -ThrottleLimit 2 { $_ } | ForEach-Object { if (++$n % 50000 -eq 0) { $peak = [Math]::Max($peak, [GC]::GetTotalMemory($true) - $base) } }
        $n | Should -Be 300000
        $peak / 1MB | Should -BeLessThan 30
    }
}

Describe 'Invoke-ThreadMap state' {
    It 'gives $using: the caller''s object itself (a live reference)' {
        $bag = [System.Collections.Concurrent.ConcurrentBag[int]]::new()
        1..50 | Invoke-ThreadMap { ($using:bag).Add($_) }
        $bag.Count | Should -Be 50
        ($bag | Sort-Object) | Should -Be (1..50)
    }

    It 'sets -Variable names in every runspace, as the same objects' {
        $counter = [System.Collections.Concurrent.ConcurrentDictionary[string, int]]::new()
        $label = 'x'
        1..20 | Invoke-ThreadMap -Variable counter, label { $null = $counter.AddOrUpdate($label, 1, { param($k, $v) $v + 1 }) }
        $counter['x'] | Should -Be 20
    }

    It 'defines -Function names in every runspace' {
        function Get-Double($n) { 2 * $n }
        1..3 | Invoke-ThreadMap -Function Get-Double { Get-Double $_ } | Should -Be @(2, 4, 6)
    }

    It 'refuses a -Variable or -Function name that does not exist, naming it' {
        { 1 | Invoke-ThreadMap -Variable noSuchVariable { $_ } } | Should -Throw "*noSuchVariable*"
        { 1 | Invoke-ThreadMap -Function Get-NoSuchThing { $_ } } | Should -Throw "*Get-NoSuchThing*"
    }

    It 'passes -ArgumentList after the item, and runs -InitializationScript once per runspace' {
        1..2 | Invoke-ThreadMap { param($x, $a) "$x-$a" } -ArgumentList 'p' | Should -Be @('1-p', '2-p')
        $starts = [System.Collections.Concurrent.ConcurrentBag[int]]::new()
        $null = 1..30 | Invoke-ThreadMap -ThrottleLimit 3 -ArgumentList $starts -InitializationScript { $global:tid = [Threading.Thread]::CurrentThread.ManagedThreadId } { param($x, $bag) $bag.Add($tid) }
        ($starts | Select-Object -Unique).Count | Should -BeLessOrEqual 3
    }

    It 'gives every item one error naming a failed -InitializationScript, leaves no runspace open, and the next call runs' {
        $before = Get-OpenRunspaceCount
        $out = 1..3 | Invoke-ThreadMap -ThrottleLimit 2 -InitializationScript { Write-Error 'bad init' } { $_ } -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 3
        $errs.TargetObject | Should -Be @(1, 2, 3)
        $errs | ForEach-Object { $_.Exception.Message | Should -BeLike '*-InitializationScript failed*bad init*' }
        Get-OpenRunspaceCount | Should -Be $before
        1..2 | Invoke-ThreadMap -ThrottleLimit 2 { $_ } | Should -Be @(1, 2)
    }

    It 'imports -ImportModule by path in each runspace' {
        $module = Join-Path $TestDrive 'Helper.psm1'
        Set-Content $module 'function Get-Triple($n) { 3 * $n }'
        1..3 | Invoke-ThreadMap -ImportModule $module { Get-Triple $_ } | Should -Be @(3, 6, 9)
    }

    It 'does not see the caller''s functions unless passed, and says so in the item''s error' {
        function Get-LocalOnly { 42 }
        $null = 1 | Invoke-ThreadMap { Get-LocalOnly } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike "*Get-LocalOnly*not recognized*"
        $errs[0].TargetObject | Should -Be 1
    }

    It 'calls a REST API from every runspace (Invoke-RestMethod against the test server)' {
        $r = 1..10 | Invoke-ThreadMap -ThrottleLimit 4 { (Invoke-RestMethod "$using:Base/echo?id=$_").query }
        $r | Should -Be (1..10 | ForEach-Object { "?id=$_" })
    }
}

Describe 'Invoke-ThreadMap errors and streams' {
    It 'turns a throw into one error for that item and goes on; one outcome per item under mixed failures' {
        $r = 1..60 | Invoke-ThreadMap -BatchSize 4 { if ($_ % 7 -eq 0) { throw "bad $_" }; $_ } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.TargetObject | Should -Be @(7, 14, 21, 28, 35, 42, 49, 56)
        $errs[0].Exception.Message | Should -Be 'bad 7'
        $r.Count | Should -Be 52
    }

    It 'stops an item that exceeds -TimeoutSec, replaces its runspace, and goes on' {
        $seconds = Measure-Seconds {
            $script:r = 1..4 | Invoke-ThreadMap -ThrottleLimit 2 -BatchSize 1 -TimeoutSec 1 { if ($_ -eq 2) { Start-Sleep 60 }; $_ } -ErrorVariable script:errs -ErrorAction SilentlyContinue
        }
        $r | Should -Be @(1, 3, 4)
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        $seconds | Should -BeLessThan 15
    }
}

Describe 'Invoke-ThreadMap stopping' {
    It 'stops promptly when Select-Object -First has enough' {
        $seconds = Measure-Seconds { $script:first = 1..1000 | Invoke-ThreadMap -ThrottleLimit 4 { Start-Sleep -Milliseconds 200; $_ } | Select-Object -First 3 }
        $first | Should -Be @(1, 2, 3)
        $seconds | Should -BeLessThan 10
    }

    It 'stops on the first error with -ErrorAction Stop' {
        { 1..1000 | Invoke-ThreadMap -ThrottleLimit 2 { if ($_ -eq 5) { throw 'five' }; Start-Sleep -Milliseconds 50; $_ } -ErrorAction Stop } | Should -Throw '*five*'
    }

    It 'stops promptly on Ctrl+C (PowerShell.Stop) with scripts running, and closes its runspaces' {
        $seconds = Stop-After -Milliseconds 1500 -Arguments $env:PARALLELTOOLS_MODULE -Script {
            param($ModulePath)
            Import-Module $ModulePath
            1..100 | Invoke-ThreadMap -ThrottleLimit 4 { Start-Sleep 60 }
        }
        $seconds | Should -BeLessThan 5
        # Killed runspaces close on threads of their own; give them a moment.
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ((Get-OpenRunspaceCount) -gt 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-OpenRunspaceCount | Should -Be 0 -Because (Show-Runspaces)
    }

    It 'closes every runspace when the call ends' {
        # -KeepWarmSec 0: no runspaces are kept for a next call either.
        $null = 1..100 | Invoke-ThreadMap -ThrottleLimit 8 -KeepWarmSec 0 { $_ }
        Get-OpenRunspaceCount | Should -Be 0 -Because (Show-Runspaces)
    }

    It 'lets its pwsh exit promptly while it keeps warm runspaces (their threads do not hold the session)' {
        $pwsh = Join-Path $PSHOME 'pwsh'
        # Kept runspaces wait with a pipeline running; used ones close after the call returns.
        $script = "Import-Module '$env:PARALLELTOOLS_MODULE'; " +
            '$null = 1..200 | Invoke-ThreadMap -ThrottleLimit 16 -KeepWarmSec 60 { $_ }; ''exiting'''
        $process = Start-Process $pwsh -ArgumentList '-NoProfile', '-Command', $script -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'out.txt')
        $exited = $process.WaitForExit(30000)
        if (-not $exited) { $process.Kill($true) }
        $exited | Should -BeTrue -Because 'kept runspaces and parked threads must be background threads, not held for -KeepWarmSec (60 s)'
        Get-Content (Join-Path $TestDrive 'out.txt') | Should -Contain 'exiting'
    }

    It 'runs its runspaces'' loops on background threads, so one made ready as pwsh exits cannot hold it open' {
        # pwsh closes the open runspaces as it exits, then waits for foreground threads: a runspace made
        # ready just after that (the housekeeping thread at work as the script ended) held it 30 s more.
        try {
            # Newly opened runspaces, then kept ones (the second call takes those the first left).
            foreach ($call in 1, 2) {
                $threads = 1..20 | Invoke-ThreadMap -ThrottleLimit 4 -KeepWarmSec 60 { [System.Threading.Thread]::CurrentThread.IsBackground }
                $threads | Should -HaveCount 20
                $threads | Should -Not -Contain $false -Because "call $call"
            }
        }
        finally {
            $null = 1..4 | Invoke-ThreadMap -ThrottleLimit 4 -KeepWarmSec 0 { $_ } # closes the kept ones
        }
    }

    It 'keeps runspaces for -KeepWarmSec, lets the next call use them, then closes them' {
        $null = 1..10 | Invoke-ThreadMap -ThrottleLimit 3 -KeepWarmSec 3 { $_ }
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        # The call's used runspaces are reset for the next call just after it returns (or opened anew).
        while ((Get-OpenRunspaceCount) -ne 3 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-OpenRunspaceCount | Should -Be 3 -Because (Show-Runspaces)
        $kept = @(Get-OpenWorkerRunspace).Id

        # The next call runs in the kept runspaces: they see none of its state before it, and are closed after it.
        $seen = @(1..30 | Invoke-ThreadMap -ThrottleLimit 3 -KeepWarmSec 3 -BatchSize 1 { Start-Sleep -Milliseconds 20; "$([runspace]::DefaultRunspace.Id)" } | Select-Object -Unique)
        $seen.Count | Should -BeGreaterThan 0
        @($seen | Where-Object { $_ -notin $kept }).Count | Should -Be 0
        # Its runspaces are kept in turn, then closed after 3 s.
        Start-Sleep -Seconds 5
        Get-OpenRunspaceCount | Should -Be 0 -Because (Show-Runspaces)
    }

    It 'reuses a call''s runspaces for the next call, reset: none of its variables, location or errors remain' {
        $first = @(1..20 | Invoke-ThreadMap -ThrottleLimit 2 -KeepWarmSec 5 -BatchSize 1 {
                $global:leaked = 'from the first call'
                Set-Location $using:TestDrive
                Write-Error 'an error of the first call' -ErrorAction SilentlyContinue
                [runspace]::DefaultRunspace.Id
            } | Select-Object -Unique)
        $second = 1..20 | Invoke-ThreadMap -ThrottleLimit 2 -KeepWarmSec 5 -BatchSize 1 {
            [pscustomobject]@{ Id = [runspace]::DefaultRunspace.Id; Leaked = $global:leaked; Location = "$PWD"; Errors = $Error.Count }
        }
        $null = 1 | Invoke-ThreadMap -KeepWarmSec 0 { } # closes the kept runspaces

        @($second.Id | Where-Object { $_ -notin $first }).Count | Should -Be 0 -Because "the second call should run in the first call's runspaces ($first), reset"
        @($second | Where-Object Leaked).Count | Should -Be 0
        @($second | Where-Object Location -EQ "$TestDrive").Count | Should -Be 0
        @($second | Where-Object Errors -NE 0).Count | Should -Be 0
    }

    It 'does not reuse a runspace left with <Case>, which the reset does not undo' -ForEach @(
        @{ Case = 'a global function'; Setup = @{ ScriptBlock = { function global:LeftBehind { } } }; Check = 'Test-Path function:LeftBehind' }
        @{ Case = 'a global alias'; Setup = @{ ScriptBlock = { Set-Alias -Name LeftBehind -Value Get-Date -Scope Global } }; Check = 'Test-Path alias:LeftBehind' }
        @{ Case = 'type data from -InitializationScript'; Setup = @{ InitializationScript = { Update-TypeData -TypeName System.Int32 -MemberName PtLeftBehind -MemberType NoteProperty -Value 1 -Force } }; Check = '$null -ne (5).PtLeftBehind' }
        @{ Case = 'a pushed location'; Setup = @{ ScriptBlock = { Push-Location $PSHOME } }; Check = '(Get-Location -Stack).Count -gt 0' }
        @{ Case = 'a -Function'; Setup = @{ Function = 'Get-LeftBehind' }; Check = 'Test-Path function:Get-LeftBehind' }
        @{ Case = 'an -ImportModule module'; Setup = @{ ImportModule = 'LeftBehind.psm1' }; Check = '[bool](Get-Module LeftBehind)' }
    ) {
        function Get-LeftBehind { 'defined in the caller' }
        $options, $firstScript = Get-LeftBehindCall $Setup '[runspace]::DefaultRunspace.Id' $TestDrive

        $first = @(1..4 | Invoke-ThreadMap -ThrottleLimit 2 -KeepWarmSec 5 -BatchSize 1 @options $firstScript | Select-Object -Unique)
        $second = 1..4 | Invoke-ThreadMap -ThrottleLimit 2 -KeepWarmSec 5 -BatchSize 1 ([scriptblock]::Create("[pscustomobject]@{ Id = [runspace]::DefaultRunspace.Id; Left = $Check }"))
        $null = 1 | Invoke-ThreadMap -KeepWarmSec 0 { }

        $first.Count | Should -BeGreaterThan 0
        @($second | Where-Object Left).Count | Should -Be 0
        @($second.Id | Where-Object { $_ -in $first }).Count | Should -Be 0 -Because 'a runspace left with it is closed, and a new one opened in its place'
    }
}

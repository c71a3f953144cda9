# What every cmdlet of the family does the same way: the overall progress record, -TimeoutSec 0, and
# for the two map cmdlets the basic results, input and completion order, and forwarding the
# scriptblock's other streams tagged with the item.
BeforeAll {
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Server = Start-TestServer

    # Runs the pipeline in another PowerShell instance (so its progress records can be read) with the
    # given preference; returns the progress records and the seconds it ran. $Folder is a fresh
    # folder for downloads.
    function Invoke-WithProgress([string] $Pipeline, [string] $Preference) {
        $folder = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "pt-progress-$([guid]::NewGuid().ToString('n'))")).FullName
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Base, $Folder, $Preference, $Pipeline)
                    $ProgressPreference = $Preference
                    Import-Module $ModulePath
                    & ([scriptblock]::Create($Pipeline)) | Out-Null
                }).AddArgument($env:PARALLELTOOLS_MODULE).AddArgument($Server.BaseUri).AddArgument($folder).AddArgument($Preference).AddArgument($Pipeline)
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $null = $ps.Invoke()
            [pscustomobject]@{ Records = @($ps.Streams.Progress); Seconds = $watch.Elapsed.TotalSeconds }
        }
        finally {
            $ps.Dispose()
            Remove-Item -LiteralPath $folder -Recurse -Force
        }
    }
}

AfterAll {
    Stop-TestServer $Server
}

# Each pipeline runs 12 items of about 250 ms, two at a time: about 1.5 s.
Describe '<Cmdlet> progress' -ForEach @(
    @{ Cmdlet = 'Invoke-AsyncFetch'; Status = '\d+ done, \d+ in flight, \d+ failed, [\d.]+/s'
        Pipeline = '1..12 | ForEach-Object { "$Base/delay?ms=250&i=$_" } | Invoke-AsyncFetch -ThrottleLimit 2' }
    @{ Cmdlet = 'Invoke-ThreadedDownload'; Status = '\d+ done, \d+ in flight, \d+ failed, [\d.]+/s, [\d.]+ MiB, [\d.]+ MiB/s'
        Pipeline = '1..12 | ForEach-Object { [pscustomobject]@{ Url = "$Base/delay?ms=250&n=100000&i=$_"; OutFile = "p$_.bin" } } | Invoke-ThreadedDownload -Destination $Folder -ThrottleLimit 2' }
    @{ Cmdlet = 'Invoke-ThreadMap'; Status = '\d+ done, \d+ in flight, \d+ failed, [\d.]+/s'
        Pipeline = '1..12 | Invoke-ThreadMap -ThrottleLimit 2 -BatchSize 1 { Start-Sleep -Milliseconds 250 }' }
    @{ Cmdlet = 'Invoke-ProcessMap'; Status = '\d+ done, \d+ in flight, \d+ failed, [\d.]+/s'
        Pipeline = '1..12 | Invoke-ProcessMap -ThrottleLimit 2 -BatchSize 1 -KeepWarmSec 0 { Start-Sleep -Milliseconds 250 }' }
) {
    It 'writes one throttled overall record on a run longer than a second, and completes it' {
        $run = Invoke-WithProgress $Pipeline 'Continue'
        $records = $run.Records
        $records.Count | Should -BeGreaterThan 0
        # Four updates a second at most, plus the first and the completion record.
        $records.Count | Should -BeLessOrEqual ([math]::Ceiling($run.Seconds * 4) + 2)
        ($records.ActivityId | Select-Object -Unique) | Should -Be 0
        $records[0].StatusDescription | Should -Match $Status
        $records[-1].RecordType | Should -Be 'Completed'
    }

    It 'writes no progress when $ProgressPreference is SilentlyContinue' {
        (Invoke-WithProgress $Pipeline 'SilentlyContinue').Records.Count | Should -Be 0
    }
}

Describe '<Cmdlet> results' -ForEach @(
    @{ Cmdlet = 'Invoke-ThreadMap'; SlowSeconds = 2 }
    @{ Cmdlet = 'Invoke-ProcessMap'; SlowSeconds = 3 }
) {
    It 'squares 1..5 into 1 4 9 16 25, in input order' {
        1..5 | & $Cmdlet { $_ * $_ } | Should -Be @(1, 4, 9, 16, 25)
    }

    It 'passes the item as $_ and as the first argument' {
        1..3 | & $Cmdlet { param($x) "$x/$_" } | Should -Be @('1/1', '2/2', '3/3')
    }

    It 'runs every item in a fresh scope: what the script sets for one item is gone for the next, however it sets it' {
        # One worker and one batch, so every item runs after the one before in the same runspace.
        $one = @{ ThrottleLimit = 1; BatchSize = 4 }
        1..3 | & $Cmdlet @one { if ($_ -eq 1) { $seen = 'one' }; "$_ $seen" } | Should -Be @('1 one', '2 ', '3 ')
        1..3 | & $Cmdlet @one { if ($_ -eq 1) { Set-Variable seen 'one' }; "$_ $(Get-Variable seen -ValueOnly -ErrorAction Ignore)" } |
            Should -Be @('1 one', '2 ', '3 ')
        1..3 | & $Cmdlet @one { Write-Output $_ -OutVariable +kept | Out-Null; "$_ $($kept.Count)" } | Should -Be @('1 1', '2 1', '3 1')
        1..3 | & $Cmdlet @one { if ($_ -eq 1) { function f { 'f' } }; "$_ $(if (Get-Command f -ErrorAction Ignore) { 'f' })" } |
            Should -Be @('1 f', '2 ', '3 ')
    }

    It 'streams an item''s outputs as it writes them, not when it ends, whether or not the script sets variables' {
        foreach ($script in { 1..3 | ForEach-Object { Start-Sleep -Milliseconds 500; $_ } }, { foreach ($i in 1..3) { Start-Sleep -Milliseconds 500; $i } }) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $seen = 1 | & $Cmdlet $script | ForEach-Object { $watch.Elapsed.TotalSeconds }
            $seen.Count | Should -Be 3
            # Written 0.5 s apart: had the item's outputs been held until it ended, they would arrive together.
            ($seen[2] - $seen[0]) | Should -BeGreaterThan 0.6
        }
    }

    It 'runs under the strict mode an -InitializationScript turns on, and still reports a throw as that item''s error' {
        $strict = { Set-StrictMode -Version Latest }
        1..3 | & $Cmdlet -ThrottleLimit 1 -InitializationScript $strict { $_ * 2 } | Should -Be @(2, 4, 6)
        1..3 | & $Cmdlet -ThrottleLimit 1 -InitializationScript $strict { if ($_ -eq 2) { $undefinedVariable }; $_ } -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -Be @(1, 3)
        $errs.TargetObject | Should -Be 2
    }

    It 'goes on after a throw with the next item, also for a script that sets nothing' {
        1..6 | & $Cmdlet -ThrottleLimit 1 -BatchSize 6 { if ($_ % 3 -eq 0) { throw "bad $_" }; $_ * 2 } -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -Be @(2, 4, 8, 10)
        $errs.TargetObject | Should -Be @(3, 6)
    }

    It 'keeps input order when later items finish first, and gives completion order with -Unordered' {
        # Item 0 runs for seconds on one worker while the other worker runs most of the rest.
        $script = [scriptblock]::Create("if (`$_ -eq 0) { Start-Sleep $SlowSeconds }; `$_")
        0..9 | & $Cmdlet -ThrottleLimit 2 -BatchSize 1 $script | Should -Be (0..9)
        $unordered = 0..9 | & $Cmdlet -ThrottleLimit 2 -BatchSize 1 -Unordered $script
        $unordered | Sort-Object | Should -Be (0..9)
        [array]::IndexOf($unordered, 0) | Should -BeGreaterThan 5
    }
}

Describe '<Cmdlet> -TimeoutSec' -ForEach @(
    @{ Cmdlet = 'Invoke-ThreadMap'; Extra = @{} }
    @{ Cmdlet = 'Invoke-ProcessMap'; Extra = @{ KeepWarmSec = 0 } }
    @{ Cmdlet = 'Invoke-AsyncFetch'; Extra = @{} }
) {
    It 'takes 0 as no limit, like every cmdlet of the family' {
        $item = if ($Cmdlet -eq 'Invoke-AsyncFetch') { "$($Server.BaseUri)/delay?ms=1200" } else { 1 }
        $splat = $Extra.Clone()
        if ($Cmdlet -ne 'Invoke-AsyncFetch') { $splat.ScriptBlock = { Start-Sleep -Milliseconds 1200; 'done' } }
        $r = @($item | & $Cmdlet -TimeoutSec 0 @splat -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -BeNullOrEmpty
        $r.Count | Should -Be 1
    }
}

Describe '<Cmdlet> streams' -ForEach @(
    @{ Cmdlet = 'Invoke-ThreadMap' }
    @{ Cmdlet = 'Invoke-ProcessMap' }
) {
    It 'forwards warning, verbose, information and error records, tagged with the item' {
        $r = 1..2 | & $Cmdlet -Verbose {
            Write-Warning "careful $_"
            Write-Verbose "detail $_"
            Write-Information "note $_"
            Write-Error "soft failure $_"
            $_
        } -WarningVariable warns -InformationVariable infos -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -InformationAction SilentlyContinue 4>&1
        $outputs = $r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = $r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $outputs | Should -Be @(1, 2)
        $warns.Message | Should -Be @('[1] careful 1', '[2] careful 2')
        $verbose.Message | Should -Be @('[1] detail 1', '[2] detail 2')
        $infos.MessageData | Should -Be @('note 1', 'note 2')
        $infos[0].Source | Should -Be '[1]'
        $errs.TargetObject | Should -Be @(1, 2)
        $errs[0].Exception.Message | Should -BeLike '*soft failure 1*'
    }
}

Describe 'Which scripts the map cmdlets run as one process block' {
    BeforeAll {
        # The rule itself (internal): true lets a worker run the script as the process block of one
        # pipeline, false calls it in a fresh scope for every item.
        $assembly = (Get-Command Invoke-ThreadMap).ImplementingType.Assembly
        $rule = $assembly.GetType('ParallelTools.StatelessScript').GetMethod('CanRunAsProcessBlock', [Reflection.BindingFlags] 'NonPublic, Public, Static')
        function Test-ProcessBlock([scriptblock] $Script) { $rule.Invoke($null, @($Script, 0)) }
    }

    It 'runs a script that only discards into $null as a process block, and one that sets a variable afresh per item' {
        Test-ProcessBlock { $_ * $_ } | Should -BeTrue
        Test-ProcessBlock { $null = $_ * 2; $_ } | Should -BeTrue
        Test-ProcessBlock { $x = $_; $x } | Should -BeFalse
        Test-ProcessBlock { $null += $_ } | Should -BeFalse
        Test-ProcessBlock { $script:null = $_ } | Should -BeFalse
        # Other ways a script keeps something for the next item.
        Test-ProcessBlock { data d { 'x' }; $_ } | Should -BeFalse
        Test-ProcessBlock { $_ | Tee-Object -Variable kept } | Should -BeFalse
        Test-ProcessBlock { Set-Alias now Get-Date; $_ } | Should -BeFalse
        Test-ProcessBlock { Set-StrictMode -Version Latest; $_ } | Should -BeFalse
    }

    It 'gives the same results for a script that discards into $null, in both cmdlets' -ForEach 'Invoke-ThreadMap', 'Invoke-ProcessMap' {
        1..3 | & $_ -ThrottleLimit 1 -KeepWarmSec 0 { $null = Get-Date; $_ * 2 } | Should -Be @(2, 4, 6)
    }
}

@{
    Synopsis    = 'Runs a scriptblock over pipeline items on a pool of pwsh worker processes, for CPU-bound work, and outputs the results in input order.'
    Description = @'
Invoke-ProcessMap is PowerShell's answer to Python's multiprocessing.Pool.map: 1..5 | Invoke-ProcessMap { $_ * $_ } outputs 1 4 9 16 25. The scriptblock runs in -ThrottleLimit worker processes (pwsh, started in parallel and reused for every item of the call), so CPU-bound work runs truly in parallel and a crash in one item cannot take the caller down. Each item is available as $_ and as the first argument (param($x)); -ArgumentList values follow it.

Items are sent to the workers in batches to amortise the round trip: by default a batch is the backlog shared out between the workers (single items when they arrive slowly, up to 256 when they pile up); -BatchSize fixes it. Outputs stream back as they are written and are written in input order (-Unordered: as they come). Memory stays bounded: when results wait for an earlier item, input pauses; an item that writes a million objects streams them.

Objects cross the process boundary as PowerShell serialisation (CliXml, the mechanism behind Start-Job) makes them: numbers, strings, dates, GUIDs, arrays and hashtables arrive as themselves; other objects arrive as deserialised property bags (type names starting with Deserialized.) with their properties one level deep and no methods. The same holds for items going in and for $using: values.

The workers are new pwsh processes: the caller's functions, variables and modules are NOT present in them. A function you defined in your session fails in a worker with "The term 'Name' is not recognized as a name of a cmdlet, function, script file, or executable program". Bring state in with $using:name (a copy of the value, taken once), -ArgumentList, -InitializationScript (runs once in each worker, where you can define functions) or -ImportModule.

Every item gets exactly one outcome. A terminating error (throw) in the scriptblock becomes one non-terminating error whose TargetObject is the item, keeping the script's FullyQualifiedErrorId; the other items go on. What the scriptblock writes to the error, warning, verbose, debug and information streams reaches the caller's streams, tagged with the item. An item running longer than -TimeoutSec has its worker killed and replaced and gets a timeout error. A worker that dies (it exits, is killed, overflows its stack) is replaced; the item it was running gets an error, or is run again when -MaximumRetryCount allows.

Ctrl+C, -ErrorAction Stop and a downstream Select-Object -First N end the call promptly and stop every worker: each is told to close at once (remoting stops its script) and its process is killed if it has not exited 2 s later. Normal completion keeps the workers for the next call (-KeepWarmSec) or, with -KeepWarmSec 0, closes them. No worker process of a stopped call outlives it by more than those 2 s.

Workers between calls: a call that completes keeps its worker processes for the next call (-KeepWarmSec), after PowerShell's own reset (Runspace.ResetRunspaceState: the global variables, $Error and the location). A call with -InitializationScript or -ImportModule keeps none of its workers (they hold that state by design, and type data an initialization script adds survives the reset): new ones are started in their place. Otherwise a worker is kept only if, after the reset, its functions, aliases, modules, drives, providers, language mode, strict mode, breakpoints, jobs, location stack, command lookup handlers, environment variables, current directory and the assemblies loaded into it (Add-Type, a module's DLL) are as they were when it was made ready; any other is closed and a new one started in its place, so a loop of calls starts pwsh only where it must. As with the worker processes of Python's Pool, a process-wide setting a script changes through .NET itself (a static property) is not seen by this check: -KeepWarmSec 0 gives every call new processes.
'@
    Inputs      = @('System.Object: any object; it is serialised to reach the worker.')
    Parameters  = @{
        ScriptBlock          = 'It runs in a worker process; $using:name copies a caller variable into every worker.'
        InputObject          = 'Each is serialised to the worker, so it arrives there as a deserialised copy.'
        ThrottleLimit        = 'Here, the number of worker processes. Default: the number of processors, the right count for CPU-bound work. Workers start in parallel (about 0.5 to 1 s) and serve every item of the call.'
        ArgumentList         = 'They are serialised once and sent to each worker.'
        TimeoutSec           = 'The worker process running it is stopped (killed if it has not exited 2 s later) and replaced. Default 0.'
        KeepWarmSec          = 'Here the workers are pwsh processes, so the next call skips pwsh start-up; kept workers also end with this session. Kept are this call''s workers, reset (see the note on workers between calls), or new ones in place of any the reset cannot return to how it was made ready; a new worker runs the worker loop once on dummy items before a call can take it, so the next call does not pay for compiling it in a new process.'
        MaximumRetryCount    = 'Retried: items held by a worker process that died (exited, was killed, crashed); without a retry such an item gets a ParallelTools.WorkerDied error. Errors the script throws are never retried.'
    }
    Examples    = @(
        @{
            Title   = 'Squares, like Pool.map'
            Code    = '1..5 | Invoke-ProcessMap { $_ * $_ }'
            Remarks = 'Outputs 1 4 9 16 25, in input order, computed in worker processes.'
        }
        @{
            Title   = 'A CPU-heavy hash over files'
            Code    = @'
$dir = Join-Path ([IO.Path]::GetTempPath()) "pt-hash-example"
$null = New-Item -ItemType Directory -Force $dir
1..4 | ForEach-Object { Set-Content (Join-Path $dir "f$_.txt") ("data $_" * 100000) }
Get-ChildItem $dir -Filter *.txt | Select-Object -ExpandProperty FullName | Invoke-ProcessMap {
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $bytes = [IO.File]::ReadAllBytes($_)
    for ($i = 0; $i -lt 20; $i++) { $bytes = $sha.ComputeHash($bytes) }
    [pscustomobject]@{ File = Split-Path $_ -Leaf; Hash = [Convert]::ToHexString($bytes) }
}
Remove-Item $dir -Recurse
'@
            Remarks = 'Each file is hashed in a worker process; paths are passed as strings, and each result comes back as a property bag.'
        }
        @{
            Title   = 'State in the workers: -InitializationScript, $using: and -ArgumentList'
            Code    = @'
$offset = 1000
1..4 | Invoke-ProcessMap -InitializationScript { function Get-Cube($n) { $n * $n * $n } } -ArgumentList 2 {
    param($x, $factor)
    (Get-Cube $x) * $factor + $using:offset
}
'@
            Remarks = 'The initialization script runs once in each worker and defines a function there; $using:offset and -ArgumentList carry values in. Functions defined in the caller''s session would not be found in the workers.'
        }
        @{
            Title   = 'Completion order and a progress bar'
            Code    = @'
1..8 | Invoke-ProcessMap -Unordered -ThrottleLimit 4 { Start-Sleep -Milliseconds (100 * (8 - $_)); $_ }
'@
            Remarks = 'With -Unordered, results are written as items finish. On runs longer than a second a progress bar shows items done, in flight and the rate.'
        }
        @{
            Title   = 'Failures stay with their item'
            Code    = @'
1..5 | Invoke-ProcessMap -TimeoutSec 5 { if ($_ -eq 3) { throw "item $_ is bad" }; $_ } -ErrorVariable failed -ErrorAction SilentlyContinue
"failed: $($failed.TargetObject)"
'@
            Remarks = 'Item 3 throws: it gets one error whose TargetObject is 3, and items 1, 2, 4 and 5 are output.'
        }
    )
    Notes       = @'
Serialisation: objects cross between the caller and the workers as PowerShell remoting serialises them (depth 1), the same as Start-Job. Live objects such as processes, files or open connections arrive as property bags; return plain data from the scriptblock. Variables a scriptblock sets may remain in its worker for the next items it runs there (as with ForEach-Object); do not rely on them.

Get-Runspace lists each worker's runspace by the name ProcessMap<Id> while it is open (kept warm ones too, until -KeepWarmSec ends).
'@
    Links       = @('about_ParallelTools', 'Invoke-ThreadMap', 'ForEach-Object', 'Start-Job')
}

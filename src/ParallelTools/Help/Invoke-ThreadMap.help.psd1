@{
    Synopsis    = 'Runs a scriptblock over pipeline items on a pool of runspaces in this process, for I/O-bound work, and outputs the results in input order.'
    Description = @'
Invoke-ThreadMap is ForEach-Object -Parallel done for throughput: 1..5 | Invoke-ThreadMap { $_ * $_ } outputs 1 4 9 16 25, in input order (-Unordered: completion order). The scriptblock runs in -ThrottleLimit runspaces of this process, each on its own thread, opened in parallel and reused for every item of the call. Items are handed over in batches, so the cost per item is microseconds, not the millisecond ForEach-Object -Parallel pays to give every item a runspace of its own. It suits I/O-bound scripts: API calls, file work, queries, checks over many hosts. For CPU-bound scripts use Invoke-ProcessMap, which has the same parameters: switching model is changing one word.

Each item is available as $_ and as the first argument (param($x)); -ArgumentList values follow it. Objects are not serialised: every runspace sees the very objects the caller passed.

State: $using:name, -Variable and -ArgumentList give every runspace the caller's objects themselves, not copies (live references). A change made through them is seen by the caller and by the other runspaces, at the same time, from several threads: use thread-safe types (System.Collections.Concurrent.ConcurrentBag, ConcurrentDictionary, [System.Threading.Interlocked]) for anything written from the scriptblock; a plain hashtable or List written from several runspaces at once can lose updates or throw. -Function makes named caller functions available; -InitializationScript runs once in each runspace; -ImportModule imports modules in each. Other caller functions, variables and modules are not present in the runspaces, as with ForEach-Object -Parallel: a function you did not pass fails with "The term 'Name' is not recognized as a name of a cmdlet, function, script file, or executable program".

Every item gets exactly one outcome. A terminating error (throw) in the scriptblock becomes one non-terminating error whose TargetObject is the item; the other items go on. What the scriptblock writes to the error, warning, verbose, debug and information streams reaches the caller's streams, tagged with the item. An item running longer than -TimeoutSec has its runspace stopped (PowerShell.Stop) and replaced, and gets a timeout error.

Ctrl+C, -ErrorAction Stop and a downstream Select-Object -First N stop the running scripts promptly; every runspace that ran items is closed as the call ends (with -KeepWarmSec 0 before it returns, otherwise just after it, in the background).

Runspaces between calls: a call that completes keeps the runspaces it used for the next call (-KeepWarmSec), after PowerShell's own reset (Runspace.ResetRunspaceState, as ForEach-Object -Parallel reuses its runspaces between items): the reset clears the global variables, $Error and the location. A call with -InitializationScript, -ImportModule or -Function keeps none of its runspaces (they hold that state by design, and type data an initialization script adds survives the reset): new ones are opened in their place. Otherwise a runspace is kept only if, after the reset, its functions, aliases, modules, drives, providers, language mode, strict mode, breakpoints, jobs, location stack and command lookup handlers are the ones it opened with; one where the call left any of them (a global function or alias, a module the script imported or autoloaded, Push-Location) is closed, and a new one opened in its place. So a loop of calls does not wait for runspaces to open each time. Kept runspaces never hold PowerShell open: their threads, like those every item runs on, are background threads, so a script ends as soon as its last command has. What no runspace can keep apart is shared by them all anyway: the process, its environment variables and current directory, loaded assemblies and static fields.
'@
    Inputs      = @('System.Object: any object; the runspaces receive the object itself.')
    Parameters  = @{
        ScriptBlock          = 'It runs in one of the runspaces; $using:name passes a caller variable''s object (a live reference).'
        InputObject          = 'Each reaches the runspace as the same object (no copy).'
        ThrottleLimit        = 'Here, the number of runspaces, each running items on its own thread. Default 16, measured on a 2-core machine: 1,000 items that each wait 10 ms took 1.62 s with 8 runspaces, 1.19 s with 16, 1.12 s with 32 and 1.96 s with 64 on a first call (each runspace costs tens of milliseconds of CPU to open), and 1.33, 0.82, 0.60 and 0.63 s with runspaces kept warm from an earlier call; 50,000 trivial items ran fastest at 16. Raise it for long waits over many items.'
        ArgumentList         = 'They are the same objects in every runspace.'
        Variable             = 'Names of caller variables to set in every runspace, under the same names: the same objects, not copies (see the thread-safety note). A name that does not exist is a terminating error.'
        Function             = 'Names of caller functions to define in every runspace. A name that does not exist is a terminating error.'
        TimeoutSec           = 'The runspace running it is stopped (PowerShell.Stop) and replaced. Default 0.'
        MaximumRetryCount    = 'Retried: items held by a runspace that broke. Errors the script throws are never retried.'
        KeepWarmSec          = 'Here the workers are runspaces, so the next call skips opening them (tens of milliseconds of CPU each, with the Utility and Management modules already imported) and starting their worker pipelines. Kept are the runspaces this call used, reset, or new ones in place of any the reset cannot return to how it opened (see the note on runspaces between calls).'
    }
    Examples    = @(
        @{
            Title   = 'Squares, like Pool.map'
            Code    = '1..5 | Invoke-ThreadMap { $_ * $_ }'
            Remarks = 'Outputs 1 4 9 16 25, in input order.'
        }
        @{
            Title   = 'Parallel REST calls'
            Code    = @'
1..20 | Invoke-ThreadMap -ThrottleLimit 8 {
    $r = Invoke-RestMethod "$using:base/echo?id=$_"
    [pscustomobject]@{ Id = $_; Path = $r.path }
}
'@
            Remarks = 'Twenty API calls, eight at a time, results in input order. $base is any web server, for example http://127.0.0.1:8080.'
        }
        @{
            Title   = 'Which ports answer: a connection check over many targets'
            Code    = @'
$hostName = ([uri]$base).Host
$ports = ([uri]$base).Port, 1, 9
$ports | Invoke-ThreadMap -TimeoutSec 10 -ArgumentList $hostName {
    param($port, $target)
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $open = $client.ConnectAsync($target, $port).Wait(2000) } catch { $open = $false } finally { $client.Dispose() }
    [pscustomobject]@{ Port = $port; Open = $open }
}
'@
            Remarks = 'Like Test-Connection -TcpPort over many ports at once; each check waits on the network, not the CPU.'
        }
        @{
            Title   = 'Hashing files, with shared state'
            Code    = @'
$dir = Join-Path ([IO.Path]::GetTempPath()) "pt-threadmap-example"
$null = New-Item -ItemType Directory -Force $dir
1..6 | ForEach-Object { Set-Content (Join-Path $dir "f$_.txt") "data $_" }
$sizes = [System.Collections.Concurrent.ConcurrentBag[long]]::new()
Get-ChildItem $dir -Filter *.txt | Invoke-ThreadMap -Variable sizes {
    $sizes.Add($_.Length)
    [pscustomobject]@{ Name = $_.Name; Hash = (Get-FileHash $_.FullName).Hash }
}
"total bytes: $(($sizes | Measure-Object -Sum).Sum)"
Remove-Item $dir -Recurse
'@
            Remarks = 'FileInfo objects arrive as themselves (no serialisation). The ConcurrentBag is shared by every runspace through -Variable: a thread-safe collection, since several runspaces add to it at once.'
        }
        @{
            Title   = 'Your own functions, and completion order'
            Code    = @'
function Get-Double($n) { 2 * $n }
1..8 | Invoke-ThreadMap -Function Get-Double -Unordered { Start-Sleep -Milliseconds (50 * (8 - $_)); Get-Double $_ }
'@
            Remarks = '-Function defines Get-Double in every runspace; -Unordered writes results as items finish. On runs longer than a second the same progress bar as the other cmdlets shows items done, in flight and the rate.'
        }
    )
    Notes       = @'
Runspaces share this process: a script that changes the process (its current directory through [Environment]::CurrentDirectory, environment variables, static state) affects the others. Each runspace has its own PowerShell location ($PWD), variables and functions. Variables a scriptblock sets may remain in its runspace for the next items it runs there; do not rely on them.

Get-Runspace lists the runspaces Invoke-ThreadMap opens by the name ThreadMap<Id> (kept warm ones too, until -KeepWarmSec ends); Invoke-ProcessMap's worker runspaces are named ProcessMap<Id>.
'@
    Links       = @('about_ParallelTools', 'Invoke-ProcessMap', 'ForEach-Object')
}

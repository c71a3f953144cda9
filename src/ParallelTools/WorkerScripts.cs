namespace ParallelTools;

/// <summary>The PowerShell that runs inside each worker (a pwsh process, or a runspace).</summary>
internal static class WorkerScripts
{
    /// <summary>
    /// Once per worker: defines the <c>$using:</c> values and the argument list as global variables
    /// (each value passed as its own argument, so it keeps a level of serialisation depth), sets the
    /// caller's stream preferences, defines the caller's functions and imports modules. Outputs the
    /// worker's process id.
    /// </summary>
    public const string Setup = """
        param([string[]] $Names, [int] $ArgumentCount, [string[]] $Modules, [hashtable] $Preferences, [hashtable] $Functions)
        for ($i = 0; $i -lt $Names.Count; $i++) { Set-Variable -Name $Names[$i] -Value $args[$i] -Scope Global }
        $__ptArguments = @(if ($ArgumentCount -gt 0) { $args[$Names.Count..($Names.Count + $ArgumentCount - 1)] })
        Set-Variable -Name __ptArguments -Value $__ptArguments -Scope Global
        foreach ($name in $Preferences.Keys) { Set-Variable -Name $name -Value $Preferences[$name] -Scope Global }
        foreach ($name in $Functions.Keys) { Set-Item -Path "function:global:$name" -Value ([scriptblock]::Create($Functions[$name])) }
        foreach ($module in $Modules) { Import-Module $module -Scope Global -ErrorAction Stop }
        $PID
        """;

    /// <summary>
    /// Runs in a runspace of this process kept for the next call (<see cref="ReadyLoop"/>), in its
    /// global scope. Waits for the call's set-up: an array of a set-up callback (given the engine;
    /// false when the set-up failed), the marker, the script text, whether it runs as a process block
    /// and the callback for each item's end. Then calls <see cref="Loop"/>, passed in as a
    /// scriptblock (the first argument), on the rest of its input. The loop is parsed and compiled
    /// once for all runspaces: run as script text, each runspace parsed and compiled it anew (64
    /// runspaces: about 0.1 s of CPU per call). Its thread, on which every Invoke-ThreadMap item
    /// runs, is made a background thread first: PowerShell starts a pipeline on a foreground thread,
    /// and pwsh waits for those as it exits. It closes every open runspace first, but one made ready
    /// after that (the housekeeping thread still at work as a script ended) held the process open
    /// until the keep time ran out (30 s more: 4 of about 60 runs of a script ending right after a
    /// call on 64 runspaces).
    /// </summary>
    public const string ReadyLoopCaller = """
        [System.Threading.Thread]::CurrentThread.IsBackground = $true
        if (-not $input.MoveNext()) { return }
        $__ptCall = $input.Current
        if ($__ptCall[0].Invoke($ExecutionContext)) { & $args[0] $__ptCall[1] $__ptCall[2] $__ptCall[3] $input $__ptCall[4] }
        """;

    /// <summary>The loop as a scriptblock of this process: taken from PowerShell's cache of parsed scripts, so all share one compilation.</summary>
    public static System.Management.Automation.ScriptBlock LoopBlock() => System.Management.Automation.ScriptBlock.Create(Loop);

    /// <summary>
    /// Runs for the whole call: takes batches of items from its input (or from the enumerator it is
    /// given as <c>$__ptInput</c>) and runs the user's script on each item in turn (with <c>$_</c>),
    /// writing the item's outputs as they come and then the end marker (or calling <c>$__ptEnded</c>
    /// where it is given); a terminating error ends the item as a Failed envelope instead. Other
    /// streams (errors, warnings, ...) stay on their own streams: PowerShell remoting delivers them
    /// in the order they were written, between the same markers.
    /// </summary>
    /// <remarks>
    /// A script <see cref="StatelessScript"/> allows runs as the process block of one stepped
    /// pipeline (a throw breaks that pipeline, so the next item starts a new one); any other is
    /// called afresh for each item, with the item as its first argument. Both keep the script
    /// compiled in a scope of its own: running the user's text inline here ran CPU-heavy items at
    /// half speed in a worker process. Items are taken in a foreach, not a pipeline of script
    /// blocks: that passed each item through two more commands (2,000 items of 10 ms on 64
    /// runspaces: 0.49-0.54 s before, 0.47-0.50 s after).
    /// </remarks>
    public const string Loop = """
        param([string] $__ptMarker, [string] $__ptScript, [bool] $__ptAsProcessBlock, $__ptInput, [Action] $__ptEnded)
        if ($null -eq $__ptInput) { $__ptInput = $input }
        # Only the form this script runs in is compiled ([scriptblock]::Create shares one compilation per process).
        $__ptPlain = if (-not $__ptAsProcessBlock) { [scriptblock]::Create($__ptScript) }
        $__ptStep = if ($__ptAsProcessBlock) {
            $__ptBlock = [scriptblock]::Create("process { $__ptScript`n}")
            [scriptblock]::Create('& $__ptBlock')
        }
        $__ptStepped = $null # set before any read: -InitializationScript may turn on strict mode
        foreach ($__ptBatch in $__ptInput) {
            foreach ($__ptItem in $__ptBatch) {
                $_ = $__ptItem
                try {
                    if ($__ptAsProcessBlock) {
                        if ($null -eq $__ptStepped) {
                            $__ptStepped = $__ptStep.GetSteppablePipeline()
                            $__ptStepped.Begin($true, $ExecutionContext) # writes to this script's output
                        }
                        $__ptStepped.Process($__ptItem)
                    }
                    else {
                        & $__ptPlain $__ptItem @__ptArguments
                    }
                    if ($null -eq $__ptEnded) { $__ptMarker } else { $__ptEnded.Invoke() }
                }
                catch {
                    $__ptError = $_
                    if ($null -ne $__ptStepped) { try { $__ptStepped.Dispose() } catch { }; $__ptStepped = $null }
                    $position = if ($__ptError.InvocationInfo) { $__ptError.InvocationInfo.PositionMessage } else { '' }
                    [pscustomobject]@{ Marker = $__ptMarker; Kind = 'Failed'; Message = $__ptError.Exception.Message; ErrorId = $__ptError.FullyQualifiedErrorId; Category = [int]$__ptError.CategoryInfo.Category; Tags = @($position) }
                }
            }
        }
        if ($null -ne $__ptStepped) { $__ptStepped.End() }
        """;

    /// <summary>Removes what <see cref="Loop"/> leaves in the global scope (its <c>$__pt*</c> variables and <c>$_</c>).</summary>
    public const string RemoveLoopVariables = "Remove-Variable -Scope Global -Name __pt*, _ -ErrorAction Ignore";
}

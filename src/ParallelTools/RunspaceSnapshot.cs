using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// What a call's scripts could leave in a worker's runspace that PowerShell's own
/// <see cref="Runspace.ResetRunspaceState"/> does not undo: functions, aliases, modules, drives,
/// providers, the language mode, strict mode, breakpoints, jobs, the location stack and command
/// lookup handlers; in a worker process also its
/// environment variables, current directory and the assemblies loaded from outside PowerShell and
/// .NET. (The reset clears the global variables, $Error, the location, event subscriptions and
/// tracing.) A used worker is reused for the next call only when, after the reset, its snapshot is
/// the one taken as it was made ready.
/// </summary>
internal sealed class RunspaceSnapshot
{
    // What both probes report as text: counts, and whether each command lookup handler is set.
    private const string Counts = """
        "breakpoints=$(@([runspace]::DefaultRunspace.Debugger.GetBreakpoints()).Count)"
        "jobs=$(@(Microsoft.PowerShell.Core\Get-Job).Count)"
        "locations=$(@($__ptState.Path.LocationStack($null)).Count)"
        $__ptCommands = $ExecutionContext.InvokeCommand
        "lookup=$($null -ne $__ptCommands.CommandNotFoundAction) $($null -ne $__ptCommands.PreCommandLookupAction) $($null -ne $__ptCommands.PostCommandLookupAction) $($null -ne $__ptCommands.LocationChangedAction)"
        """;

    // Run in a scope of its own, so its variables go with it (strict mode set globally still applies).
    // Functions by their scriptblocks; aliases, modules, drives and providers by the objects
    // themselves (Set-Alias makes a new one). A function redefined under its name keeps its
    // FunctionInfo but gets a new scriptblock. Get-Alias, not the alias: drive: a fifth of the cost.
    // Get-Module comes after any command here that may import its module. Commands by their
    // module-qualified names: a function or alias a call left must not run in their place. Its
    // thread is a background one, like the worker loop's (WorkerScripts.ReadyLoopCaller).
    private const string Probe = """
        [System.Threading.Thread]::CurrentThread.IsBackground = $true
        $__ptState = $ExecutionContext.SessionState
        $__ptState.LanguageMode
        try { $null = $__ptUnsetVariable; 'lax' } catch { 'strict' }
        foreach ($__ptFunction in $__ptState.InvokeProvider.Item.Get('function:\*')) { $__ptFunction.ScriptBlock }
        Microsoft.PowerShell.Utility\Get-Alias
        Microsoft.PowerShell.Core\Get-Module
        $__ptState.Drive.GetAll()
        $__ptState.Provider.GetAll()
        """ + "\n" + Counts;

    // In a worker process, the same as text (objects come back as copies), with what the process holds.
    // A function's text by its hash (stable within the process), the environment likewise.
    private const string ProcessProbe = """
        $__ptState = $ExecutionContext.SessionState
        $__ptRoots = @($PSHOME, [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory())
        @(
            "language=$($__ptState.LanguageMode)"
            try { $null = $__ptUnsetVariable; 'lax' } catch { 'strict' }
            foreach ($__ptFunction in $__ptState.InvokeProvider.Item.Get('function:\*')) { "function $($__ptFunction.Name)=$($__ptFunction.Definition.GetHashCode())" }
            foreach ($__ptAlias in Microsoft.PowerShell.Utility\Get-Alias) { "alias $($__ptAlias.Name)=$($__ptAlias.Definition)" }
            foreach ($__ptModule in Microsoft.PowerShell.Core\Get-Module) { "module $($__ptModule.Name) $($__ptModule.Version) $($__ptModule.Path)" }
            foreach ($__ptDrive in $__ptState.Drive.GetAll()) { "drive $($__ptDrive.Name)=$($__ptDrive.Root)" }
            foreach ($__ptProvider in $__ptState.Provider.GetAll()) { "provider $($__ptProvider.Name)" }
        """ + "\n" + Counts + "\n" + """
            "directory=$([Environment]::CurrentDirectory)"
            "environment=$((@(foreach ($__ptVariable in Microsoft.PowerShell.Management\Get-ChildItem env:) { "$($__ptVariable.Name)=$($__ptVariable.Value)" }) -join "`n").GetHashCode())"
            foreach ($__ptAssembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
                if ($__ptAssembly.IsDynamic -or -not $__ptAssembly.Location -or -not @(foreach ($__ptRoot in $__ptRoots) { if ($__ptAssembly.Location.StartsWith($__ptRoot)) { $__ptRoot } })) { "assembly $($__ptAssembly.FullName)" }
            }
        ) -join "`n"
        """;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Runspace, RunspaceSnapshot> Kept = new();

    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);

    private readonly object?[] _parts;

    private RunspaceSnapshot(object?[] parts) => _parts = parts;

    /// <summary>Takes and keeps the snapshot of a worker's runspace made ready for a call, with no pipeline running.</summary>
    public static void Remember(Runspace runspace) => Kept.AddOrUpdate(runspace, Take(runspace));

    /// <summary>
    /// Resets a runspace whose call has ended (its pipeline finished) and tells whether it is now as
    /// <see cref="Remember"/> saw it: if not, or if it cannot be reset or probed, it is for closing.
    /// </summary>
    public static bool Reset(Runspace runspace)
    {
        try
        {
            // The runspace becomes available just after its pipeline has ended.
            if (!Kept.TryGetValue(runspace, out var ready)
                || !SpinWait.SpinUntil(() => runspace.RunspaceAvailability == RunspaceAvailability.Available, 1000)
                || runspace.RunspaceStateInfo.State != RunspaceState.Opened)
                return false;
            runspace.ResetRunspaceState();
            return Take(runspace).Matches(ready);
        }
        catch (Exception)
        {
            return false; // broken, or the probe failed or did not end in time
        }
    }

    private static RunspaceSnapshot Take(Runspace runspace)
    {
        using var probe = PowerShell.Create();
        probe.Runspace = runspace;
        probe.AddScript(runspace.RunspaceIsRemote ? ProcessProbe : Probe, useLocalScope: true);
        var running = probe.BeginInvoke();
        if (!running.AsyncWaitHandle.WaitOne(ProbeLimit))
        {
            probe.BeginStop(null, null); // disposing a pipeline that still runs would wait for it
            throw new TimeoutException("the runspace state probe did not end in time");
        }
        var parts = probe.EndInvoke(running);
        if (probe.HadErrors)
            throw new InvalidOperationException($"the runspace state probe failed: {probe.Streams.Error.FirstOrDefault()}");
        return new RunspaceSnapshot(parts.Select(part => part?.BaseObject).ToArray());
    }

    private bool Matches(RunspaceSnapshot other) =>
        _parts.Length == other._parts.Length && _parts.Zip(other._parts).All(pair => SamePart(pair.First, pair.Second));

    private static bool SamePart(object? a, object? b) =>
        a is string or ValueType ? Equals(a, b) : ReferenceEquals(a, b);
}

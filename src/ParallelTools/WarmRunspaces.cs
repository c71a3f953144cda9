using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// Fresh runspaces kept ready for the next call of this session, so it does not pay their opening:
/// pwsh worker processes for Invoke-ProcessMap, runspaces of this process for Invoke-ThreadMap. A
/// call that ends opens as many as it used, in the background; they have run nothing (every call
/// still gets workers with no state from another call) and are closed when no call takes them
/// within the keep time. A call that comes while they are still opening waits for them rather
/// than opening more beside them. A worker process also ends by itself when this process ends
/// (its standard input closes).
/// </summary>
internal sealed class WarmRunspaces(Func<Runspace> create, bool openOneAtATime)
{
    private readonly ConcurrentQueue<Task<Runspace?>> _kept = new();
    private readonly object _gate = new();
    private readonly object _opening = new();
    private Timer? _expiry;

    public static readonly Lazy<TypeTable> Types = new(TypeTable.LoadDefaultTypeFiles);

    // Worker processes start side by side: each is its own pwsh, with nothing of this process to contend for.
    public static readonly WarmRunspaces Processes = new(() => RunspaceFactory.CreateOutOfProcessRunspace(Types.Value), openOneAtATime: false);

    // Utility and Management are imported as the runspace opens (in the background for kept ones):
    // otherwise the first Start-Sleep, Get-Item or Invoke-RestMethod in each runspace autoloads them
    // inside the call (2,000 items of Start-Sleep 10 ms at 64 runspaces: 1.74 s warm, 0.94 s with this).
    private static readonly Lazy<InitialSessionState> ThreadSessionState = new(() =>
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(["Microsoft.PowerShell.Utility", "Microsoft.PowerShell.Management"]);
        return state;
    });

    public static readonly WarmRunspaces Threads = new(() => RunspaceFactory.CreateRunspace(ThreadSessionState.Value), openOneAtATime: true);

    /// <summary>
    /// A kept runspace (waiting for it if it is still opening), or a newly opened one. Not cancellable:
    /// a runspace abandoned half-way would never be closed; the caller closes what it no longer wants.
    /// </summary>
    public async Task<Runspace> TakeOrOpenAsync()
    {
        while (_kept.TryDequeue(out var kept))
        {
            var runspace = await kept.ConfigureAwait(false);
            if (runspace?.RunspaceStateInfo.State == RunspaceState.Opened)
                return runspace;
            if (runspace is not null)
                CloseLater(runspace);
        }
        return await OnOwnThread(Open).ConfigureAwait(false);
    }

    /// <summary>Opens runspaces in the background until <paramref name="count"/> are kept; closes them all after <paramref name="keep"/>.</summary>
    public void Replenish(int count, TimeSpan keep)
    {
        lock (_gate)
        {
            _expiry?.Dispose();
            _expiry = new Timer(_ => CloseAll(), null, keep, Timeout.InfiniteTimeSpan);
            var opening = new List<TaskCompletionSource<Runspace?>>();
            for (int i = _kept.Count; i < count; i++)
            {
                var runspace = new TaskCompletionSource<Runspace?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _kept.Enqueue(runspace.Task);
                opening.Add(runspace);
            }
            // Runspaces of this process open one after another anyway: on one thread, not a thread each.
            if (openOneAtATime)
                OnOwnThread(() => OpenEach(opening));
            else
                foreach (var runspace in opening)
                    OnOwnThread(() => OpenEach([runspace]));
        }
    }

    /// <summary>Closes every kept runspace (those still opening, once open).</summary>
    public void CloseAll()
    {
        lock (_gate)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
        while (_kept.TryDequeue(out var kept))
            kept.ContinueWith(t => { if (t.Result is { } runspace) CloseLater(runspace); }, TaskScheduler.Default);
    }

    // Runspaces of this process one at a time: opened side by side they contend for the engine's
    // locks, and 64 took seconds (up to half a minute) where one after another they take about 10 ms each.
    private Runspace Open()
    {
        if (!openOneAtATime)
            return OpenNow();
        lock (_opening)
            return OpenNow();
    }

    private Runspace OpenNow()
    {
        var runspace = create();
        runspace.Open();
        return runspace;
    }

    private void OpenEach(List<TaskCompletionSource<Runspace?>> opening)
    {
        foreach (var runspace in opening)
            runspace.SetResult(OpenOrNull());
    }

    private Runspace? OpenOrNull()
    {
        try
        {
            return Open();
        }
        catch (Exception)
        {
            return null; // the next call opens its own
        }
    }

    // Opening blocks for a while (a pwsh start-up, or ~15 ms of session set-up): on threads of their
    // own, since dozens of them on pool threads starved the pool (a call took 30 s instead of 2).
    private static Task<T> OnOwnThread<T>(Func<T> open) =>
        Task.Factory.StartNew(open, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static Task OnOwnThread(Action open) =>
        Task.Factory.StartNew(open, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void CloseLater(Runspace runspace) => Task.Run(() =>
    {
        try
        {
            runspace.Dispose();
        }
        catch (Exception)
        {
        }
    });
}

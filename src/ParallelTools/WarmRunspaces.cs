using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>What a map cmdlet asks of the workers kept between its calls.</summary>
internal interface IWarmWorkers
{
    /// <summary>Opens workers in the background until <paramref name="count"/> are kept; closes them all after <paramref name="keep"/>.</summary>
    void Replenish(int count, TimeSpan keep);

    /// <summary>Closes every kept worker (those still opening, once open).</summary>
    void CloseAll();
}

/// <summary>The kept workers of each kind, shared by all calls of this session.</summary>
internal static class WarmRunspaces
{
    public static readonly Lazy<TypeTable> Types = new(TypeTable.LoadDefaultTypeFiles);

    // Utility and Management are imported as the runspace opens (in the background for kept ones):
    // otherwise the first Start-Sleep, Get-Item or Invoke-RestMethod in each runspace autoloads them
    // inside the call (2,000 items of Start-Sleep 10 ms at 64 runspaces: 1.74 s warm, 0.94 s with this).
    private static readonly Lazy<InitialSessionState> ThreadSessionState = new(() =>
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(["Microsoft.PowerShell.Utility", "Microsoft.PowerShell.Management"]);
        return state;
    });

    // Worker processes start side by side: each is its own pwsh, with nothing of this process to contend for.
    public static readonly WarmRunspaces<Runspace> Processes = new(OpenProcess, IsOpen, inThisProcess: false) { WarmUp = RunLoopOnce };

    // Runspaces of this process are kept with their loop already running, waiting for a call's set-up.
    public static readonly WarmRunspaces<ReadyLoop> Threads = new(() => ReadyLoop.Open(ThreadSessionState.Value), ready => ready.IsWaiting, inThisProcess: true);

    private static Runspace OpenProcess()
    {
        var runspace = RunspaceFactory.CreateOutOfProcessRunspace(Types.Value);
        runspace.Name = $"ProcessMap{runspace.Id}";
        try
        {
            runspace.Open();
            ImportCommonModules(runspace);
            RunspaceSnapshot.Remember(runspace);
            return runspace;
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

    // As in the runspaces of this process (ThreadSessionState): the set-up uses Utility anyway, and a
    // worker that imported either during a call would otherwise never be kept (RunspaceSnapshot).
    private static void ImportCommonModules(Runspace runspace)
    {
        using var import = PowerShell.Create();
        import.Runspace = runspace;
        import.AddCommand("Import-Module").AddParameter("Name", new[] { "Microsoft.PowerShell.Utility", "Microsoft.PowerShell.Management" }).Invoke();
    }

    private static bool IsOpen(Runspace runspace) => runspace.RunspaceStateInfo.State == RunspaceState.Opened;

    // A kept worker process runs the worker loop once over 400 dummy items before a call takes it:
    // otherwise the call pays for compiling remoting's and the loop's code in the new process (10,000
    // trivial items on 2 kept workers: 0.95-1.38 s against 1.31-1.73 s; 100 items: 0.24-0.39 s
    // against 0.62-0.74 s). The loop runs in the global scope, as a call's does; its variables are
    // removed after, so a kept worker starts a call as a new one does. A worker whose warm-up fails
    // or does not end in time is not kept.
    private static void RunLoopOnce(Runspace runspace)
    {
        var ready = ReadyLoop.StartWorkerLoop(runspace, "ParallelTools warm-up", "$_", asProcessBlock: true);
        for (int i = 0; i < WarmUpBatches; i++)
            ready.Input.Add(Enumerable.Range(i * 25, 25).Cast<object>().ToArray());
        ready.Input.Complete();
        EndInTime(ready.Loop, ready.Result);
        var clear = PowerShell.Create();
        clear.Runspace = runspace;
        clear.AddScript(WorkerScripts.RemoveLoopVariables);
        EndInTime(clear, clear.BeginInvoke());
    }

    // Disposing a PowerShell still running waits for the worker to stop it, which a worker that does
    // not answer never does: one not done in time is only asked to stop.
    private static void EndInTime(PowerShell ps, IAsyncResult result)
    {
        if (!result.AsyncWaitHandle.WaitOne(WarmUpLimit))
        {
            ps.BeginStop(null, null);
            throw new TimeoutException("the worker's warm-up did not end in time");
        }
        try
        {
            ps.EndInvoke(result);
        }
        finally
        {
            ps.Dispose();
        }
    }

    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(10);
    private const int WarmUpBatches = 16;
}

/// <summary>
/// Workers kept ready for the next call of this session, so it does not pay their opening: pwsh
/// worker processes for Invoke-ProcessMap, runspaces of this process for Invoke-ThreadMap. The
/// workers a call used are kept (<see cref="Keep"/>) once PowerShell's reset leaves them as they
/// were made ready (<see cref="RunspaceSnapshot"/>); a new one is opened in place of any other,
/// in the background, and all are closed when no call takes them within the keep time. New worker
/// processes have run the worker loop once, on dummy items (<see cref="WarmUp"/>). A call that
/// comes while kept ones are still being made ready waits for them rather than opening more
/// beside them. A worker process also ends by itself when this process ends (its standard input
/// closes). Workers <paramref name="inThisProcess"/> open at most one per core at a time, and kept
/// ones on the housekeeping thread; worker processes all at once.
/// </summary>
internal sealed class WarmRunspaces<T>(Func<T> open, Func<T, bool> isUsable, bool inThisProcess) : IWarmWorkers
    where T : class, IDisposable
{
    private readonly ConcurrentQueue<Task<T?>> _kept = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _opening = new(Environment.ProcessorCount);
    private Timer? _expiry;

    /// <summary>
    /// A kept worker (waiting for it if it is still being made ready), or a newly opened one. Cancelled
    /// while it waits for a kept one (a call that ended before all its workers started), it leaves that
    /// one kept; a new one, once opening, is not abandoned half-way: the caller closes what it no longer wants.
    /// </summary>
    public async Task<T> TakeOrOpenAsync(CancellationToken cancellationToken)
    {
        while (_kept.TryDequeue(out var kept))
        {
            try
            {
                await kept.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                PutBack(kept);
                throw;
            }
            var worker = kept.Result;
            if (worker is not null && isUsable(worker))
                return worker;
            if (worker is not null)
                CloseLater(worker);
        }
        return await ParkedThreads.Run(Open).ConfigureAwait(false);
    }

    private void PutBack(Task<T?> kept)
    {
        lock (_gate)
        {
            if (_expiry is not null)
            {
                _kept.Enqueue(kept);
                return;
            }
        }
        CloseWhenReady(kept); // no longer kept: CloseAll came in between
    }

    public void Replenish(int count, TimeSpan keep)
    {
        lock (_gate)
        {
            KeepFor(keep);
            var opening = new List<TaskCompletionSource<T?>>();
            for (int i = _kept.Count; i < count; i++)
            {
                var worker = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _kept.Enqueue(worker.Task);
                opening.Add(worker);
            }
            // Kept runspaces of this process open one after another, on the housekeeping thread once the
            // call's used ones are closed: nobody waits for them yet, and the other cores stay free
            // for whatever the caller does next.
            if (inThisProcess)
                Housekeeping.Enqueue(() => OpenEach(opening));
            else
                foreach (var worker in opening)
                    ParkedThreads.Run(() => OpenEach([worker]));
        }
    }

    /// <summary>
    /// Keeps a worker a call has used, once <paramref name="reuse"/> has made it ready again (on the
    /// housekeeping thread, after the call); when it returns null, a new worker is opened in its place.
    /// </summary>
    public void Keep(Func<T?> reuse, TimeSpan keep)
    {
        var worker = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            KeepFor(keep);
            _kept.Enqueue(worker.Task);
        }
        void MakeReady() => worker.SetResult(ReuseOrNull(reuse) ?? OpenOrNull());
        // As in Replenish: worker processes side by side (a replacement is a pwsh start-up).
        if (inThisProcess)
            Housekeeping.Enqueue(MakeReady);
        else
            ParkedThreads.Run(MakeReady);
    }

    // Every kept worker is closed once no call has ended for the keep time.
    private void KeepFor(TimeSpan keep)
    {
        _expiry?.Dispose();
        _expiry = new Timer(_ => CloseAll(), null, keep, Timeout.InfiniteTimeSpan);
    }

    private static T? ReuseOrNull(Func<T?> reuse)
    {
        try
        {
            return reuse();
        }
        catch (Exception)
        {
            return null;
        }
    }

    public void CloseAll()
    {
        lock (_gate)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
        while (_kept.TryDequeue(out var kept))
            CloseWhenReady(kept);
    }

    private static void CloseWhenReady(Task<T?> kept) =>
        kept.ContinueWith(t => { if (t.Result is { } worker) CloseLater(worker); }, TaskScheduler.Default);

    // Runspaces of this process at most one per core at a time: 64 opened side by side (on pool
    // threads) took seconds, up to half a minute, where one after another they take about 13 ms of
    // CPU each. Two at a time on 2 cores: a cold call of 2,000 items of 10 ms at 64 took 1.71-1.92 s
    // against 2.08-2.26 s one at a time.
    private T Open()
    {
        if (!inThisProcess)
            return open();
        _opening.Wait();
        try
        {
            return open();
        }
        finally
        {
            _opening.Release();
        }
    }

    private void OpenEach(List<TaskCompletionSource<T?>> opening)
    {
        foreach (var worker in opening)
            worker.SetResult(OpenOrNull());
    }

    /// <summary>Run on each kept worker once it is open, before a call can take it.</summary>
    public Action<T>? WarmUp { get; init; }

    private T? OpenOrNull()
    {
        try
        {
            var worker = Open();
            try
            {
                WarmUp?.Invoke(worker);
            }
            catch (Exception)
            {
                CloseLater(worker);
                throw;
            }
            return worker;
        }
        catch (Exception)
        {
            return null; // the next call opens its own
        }
    }

    // Opening and closing block for a while (a pwsh start-up or exit, or ~15 ms of session set-up):
    // on threads of their own, since dozens of them on pool threads starved the pool (a call took
    // 30 s instead of 2).
    private static void CloseLater(T worker) => ParkedThreads.Run(() => RunspaceWorker.Close(null, worker));
}

using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// Fresh worker processes kept ready for the next Invoke-ProcessMap call of this session, so it does
/// not pay pwsh start-up. A call that ends starts as many as it used, in the background; they have
/// run nothing (every call still gets workers with no state from another call) and are closed when
/// no call takes them within the keep time. A call that comes while they are still starting waits
/// for them rather than starting more processes beside them. A worker process also ends by itself
/// when this process ends (its standard input closes).
/// </summary>
internal static class WarmWorkers
{
    private static readonly ConcurrentQueue<Task<Runspace?>> Kept = new();
    private static readonly object Gate = new();
    private static Timer? _expiry;

    public static readonly Lazy<TypeTable> Types = new(TypeTable.LoadDefaultTypeFiles);

    /// <summary>A kept worker's runspace (waiting for it if it is still starting), or a newly opened one.</summary>
    public static async Task<Runspace> TakeOrOpenAsync(CancellationToken cancellationToken)
    {
        while (Kept.TryDequeue(out var kept))
        {
            var runspace = await kept.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (runspace?.RunspaceStateInfo.State == RunspaceState.Opened)
                return runspace;
            if (runspace is not null)
                CloseLater(runspace);
        }
        return await Task.Run(Open, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts workers in the background until <paramref name="count"/> are kept; closes them all after <paramref name="keep"/>.</summary>
    public static void Replenish(int count, TimeSpan keep)
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _expiry = new Timer(_ => CloseAll(), null, keep, Timeout.InfiniteTimeSpan);
            for (int i = Kept.Count; i < count; i++)
                Kept.Enqueue(Task.Run(OpenOrNull));
        }
    }

    /// <summary>Closes every kept worker (those still starting, once started).</summary>
    public static void CloseAll()
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
        while (Kept.TryDequeue(out var kept))
            kept.ContinueWith(t => { if (t.Result is { } runspace) CloseLater(runspace); }, TaskScheduler.Default);
    }

    private static Runspace Open()
    {
        var runspace = RunspaceFactory.CreateOutOfProcessRunspace(Types.Value);
        runspace.Open();
        return runspace;
    }

    private static Runspace? OpenOrNull()
    {
        try
        {
            return Open();
        }
        catch (Exception)
        {
            return null; // the next call starts its own
        }
    }

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

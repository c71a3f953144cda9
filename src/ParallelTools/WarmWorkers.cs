using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// Fresh worker processes kept ready for the next Invoke-ProcessMap call of this session, so it does
/// not pay pwsh start-up. A call that ends starts as many as it used, in the background; they have
/// run nothing (every call still gets workers with no state from another call) and are closed when
/// no call takes them within the keep time. A worker process also ends by itself when this process
/// ends (its standard input closes).
/// </summary>
internal static class WarmWorkers
{
    private static readonly ConcurrentQueue<Runspace> Ready = new();
    private static readonly object Gate = new();
    private static Timer? _expiry;
    private static int _starting;

    public static readonly Lazy<TypeTable> Types = new(TypeTable.LoadDefaultTypeFiles);

    /// <summary>A started worker process's runspace, if one is ready.</summary>
    public static Runspace? TryTake()
    {
        while (Ready.TryDequeue(out var runspace))
        {
            if (runspace.RunspaceStateInfo.State == RunspaceState.Opened)
                return runspace;
            CloseLater(runspace);
        }
        return null;
    }

    /// <summary>Starts workers in the background until <paramref name="count"/> are ready; closes them all after <paramref name="keep"/>.</summary>
    public static void Replenish(int count, TimeSpan keep)
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _expiry = new Timer(_ => CloseAll(), null, keep, Timeout.InfiniteTimeSpan);
            int missing = count - Ready.Count - _starting;
            for (int i = 0; i < missing; i++)
            {
                Interlocked.Increment(ref _starting);
                _ = Task.Run(StartOne);
            }
        }
    }

    /// <summary>Closes every ready worker (and any still starting, once started).</summary>
    public static void CloseAll()
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
        while (Ready.TryDequeue(out var runspace))
            CloseLater(runspace);
    }

    public static Runspace Open()
    {
        var runspace = RunspaceFactory.CreateOutOfProcessRunspace(Types.Value);
        runspace.Open();
        return runspace;
    }

    private static void StartOne()
    {
        try
        {
            var runspace = Open();
            bool keep;
            lock (Gate)
                keep = _expiry is not null;
            if (keep)
                Ready.Enqueue(runspace);
            else
                CloseLater(runspace);
        }
        catch (Exception)
        {
            // A spare that cannot start is simply not there; the next call starts its own.
        }
        finally
        {
            Interlocked.Decrement(ref _starting);
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

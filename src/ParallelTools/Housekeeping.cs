using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// Work that can wait until a call has returned (resetting or closing the runspaces it used, then
/// opening fresh ones for the next call), done one piece after another on one thread of its own. Done by the
/// call itself, 64 runspaces closing and opening side by side took the cores from whatever came
/// next in the caller's pipeline.
/// </summary>
internal static class Housekeeping
{
    private static readonly object Gate = new();
    private static readonly Queue<Action> Work = new();
    private static bool s_running;

    public static void Enqueue(Action work)
    {
        lock (Gate)
        {
            Work.Enqueue(work);
            if (s_running)
                return;
            s_running = true;
        }
        ParkedThreads.Run(RunAll);
    }

    private static void RunAll()
    {
        while (true)
        {
            Action next;
            lock (Gate)
            {
                if (!Work.TryDequeue(out next!))
                {
                    s_running = false;
                    return;
                }
            }
            try
            {
                next();
            }
            catch (Exception)
            {
                // Best effort: a runspace that fails to close or open is left to the next call.
            }
        }
    }
}

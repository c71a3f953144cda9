namespace ParallelTools.Engine.Workers;

/// <summary>The item ran longer than the timeout; its worker was killed and replaced.</summary>
public sealed class ItemTimeoutException(TimeSpan timeout)
    : TimeoutException($"the item did not finish within the timeout of {timeout.TotalSeconds:0.###} s; its worker was stopped and replaced")
{
}

/// <summary>The worker running the item died (exited, was killed, crashed).</summary>
public sealed class WorkerDiedException(string reason, int attempts)
    : Exception($"the worker running this item died ({reason}){(attempts > 1 ? $" on each of {attempts} attempts" : "")}")
{
    public int Attempts { get; } = attempts;
}

/// <summary>No worker could be started, so no item can run.</summary>
public sealed class WorkerStartException(string message, Exception? inner) : Exception(message, inner)
{
}

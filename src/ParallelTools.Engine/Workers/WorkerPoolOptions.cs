namespace ParallelTools.Engine.Workers;

public sealed class WorkerPoolOptions
{
    public int WorkerCount { get; init; } = Environment.ProcessorCount;

    /// <summary>Items sent to a worker at once; 0 chooses by the backlog (see <see cref="WorkerPool"/>).</summary>
    public int BatchSize { get; init; }

    /// <summary>The most items an automatic batch holds.</summary>
    public int MaximumAutomaticBatch { get; init; } = 256;

    /// <summary>One item may run this long; then its worker is killed and replaced.</summary>
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>How often an item whose worker died is run again before it fails.</summary>
    public int MaximumRetryCount { get; init; }

    /// <summary>Items a worker may hold (running or queued in it) beyond its current batch.</summary>
    internal int BatchesAhead => 2;
}

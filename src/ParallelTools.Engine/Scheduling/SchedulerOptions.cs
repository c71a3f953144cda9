namespace ParallelTools.Engine.Scheduling;

/// <summary>How a <see cref="StreamScheduler{TItem, TResult}"/> runs its items.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Most items running at once.</summary>
    public int ThrottleLimit { get; init; } = Environment.ProcessorCount;

    /// <summary>Deliver outcomes in completion order instead of input order.</summary>
    public bool Unordered { get; init; }

    /// <summary>
    /// Most items submitted but not yet delivered (running, waiting for a slot, or done and waiting
    /// for their turn in input order). A full window makes Submit wait, which is the backpressure
    /// that keeps memory bounded. Default: four times the throttle limit.
    /// </summary>
    public int? WindowSize { get; init; }

    /// <summary>Most objects one running item may have written and not yet had taken; then it waits.</summary>
    public int OutputBufferSize { get; init; } = 1024;

    /// <summary>
    /// The work only hands each item on to a queue of its own (a worker pool) before its first await.
    /// Runners then start items one at a time, so items reach that queue strictly in input order;
    /// otherwise a runner delayed between taking an item and starting it lets later items overtake
    /// it, and a pool may batch dozens of them ahead of it.
    /// </summary>
    public bool HandOffInOrder { get; init; }

    internal int EffectiveWindow => Math.Max(ThrottleLimit, WindowSize ?? checked(ThrottleLimit * 4));

    internal void Validate()
    {
        if (ThrottleLimit < 1)
            throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "ThrottleLimit must be at least 1.");
        if (OutputBufferSize < 1)
            throw new ArgumentOutOfRangeException(nameof(OutputBufferSize), OutputBufferSize, "OutputBufferSize must be at least 1.");
        if (WindowSize is < 1)
            throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be at least 1.");
    }
}

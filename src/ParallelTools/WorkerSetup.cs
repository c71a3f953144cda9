using System.Collections;

namespace ParallelTools;

/// <summary>What every worker of one call needs before it runs items: the script and its state.</summary>
internal sealed class WorkerSetup
{
    public required UsingVariables Script { get; init; }
    public IReadOnlyList<object?> ArgumentList { get; init; } = [];

    /// <summary>Run the script as the process block of one pipeline (<see cref="StatelessScript"/>).</summary>
    public bool AsProcessBlock { get; init; }
    public string? InitializationScript { get; init; }
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>Caller variables by name, set in each worker (-Variable).</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; init; } = new Dictionary<string, object?>();

    /// <summary>Function name to definition text, defined in each worker (-Function).</summary>
    public Hashtable Functions { get; init; } = new();

    /// <summary>The caller's stream preferences (VerbosePreference and the like), applied in each worker.</summary>
    public Hashtable Preferences { get; init; } = new();

    /// <summary>The global variables every worker defines: the <c>$using:</c> values, then -Variable's.</summary>
    public IEnumerable<KeyValuePair<string, object?>> GlobalVariables() =>
        Script.Names.Zip(Script.Values, KeyValuePair.Create).Concat(Variables);

    /// <summary>
    /// How long workers are kept for the next call (-KeepWarmSec): its used ones may close, or be
    /// made ready again, after it returns. Zero: every worker is closed when the call ends.
    /// </summary>
    public TimeSpan KeepWarm { get; init; }

    /// <summary>
    /// Whether this call's workers may be reset and kept for the next call: not when it stopped, and
    /// not when its set-up left state by design (-InitializationScript, which may also change type
    /// data, which the reset and the snapshot do not cover; -ImportModule; -Function).
    /// </summary>
    public bool MayKeepWorkers =>
        KeepWarm > TimeSpan.Zero && !Stopped && string.IsNullOrWhiteSpace(InitializationScript) && Modules.Count == 0 && Functions.Count == 0;

    /// <summary>Set (before its workers are killed) when the call is stopped: none of its workers is kept.</summary>
    public bool Stopped
    {
        get => _stopped;
        set => _stopped = value;
    }

    private volatile bool _stopped;

    /// <summary>Marks the end of each item in the worker's output; unique per call so no real output can match it.</summary>
    public string Marker { get; } = "\u0001ParallelTools:" + Guid.NewGuid().ToString("n");
}

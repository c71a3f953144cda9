using System.Collections;
using System.Management.Automation;
using ParallelTools.Engine.Scheduling;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// What Invoke-ProcessMap and Invoke-ThreadMap share, with the same parameter names and meanings:
/// a scriptblock run over pipeline items on a <see cref="WorkerPool"/> of runspace workers.
/// </summary>
public abstract class MapCmdlet : ScheduledCmdlet<PSObject, bool>
{
    private WorkerPool? _pool;
    private WorkerSetup? _setup;

    [Parameter(Mandatory = true, Position = 0)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [ValidateRange(0, 100_000)]
    public int BatchSize { get; set; }

    [Parameter]
    [Alias("Args")]
    public object[] ArgumentList { get; set; } = [];

    [Parameter]
    public ScriptBlock? InitializationScript { get; set; }

    [Parameter]
    public string[] ImportModule { get; set; } = [];

    [Parameter]
    [ValidateRange(0, 86_400)]
    public int KeepWarmSec { get; set; } = 30;

    protected override bool WritesOutputs => true;

    /// <summary>Where this kind of worker keeps fresh runspaces between calls.</summary>
    private protected abstract IWarmWorkers Warm { get; }

    /// <summary>A new worker for this call's pool.</summary>
    private protected abstract BatchWorker CreateWorker(WorkerSetup setup);

    /// <summary>Caller variables to set in each worker (Invoke-ThreadMap's -Variable).</summary>
    private protected virtual IReadOnlyDictionary<string, object?> Variables => new Dictionary<string, object?>();

    /// <summary>Caller functions to define in each worker (Invoke-ThreadMap's -Function).</summary>
    private protected virtual Hashtable Functions => new();

    // ThrottleLimit is the number of workers; many more items may be in flight, queued in batches
    // inside the workers, so they must reach the pool's queue in input order.
    protected override SchedulerOptions CreateSchedulerOptions() =>
        new() { ThrottleLimit = ThrottleLimit * ItemsInFlightPerWorker, Unordered = Unordered, HandOffInOrder = true };

    /// <summary>
    /// Items in flight per worker: enough backlog for automatic batches (a quarter of a worker's
    /// share) to amortise the hand-over, few enough that items do not live long enough to be
    /// promoted to the oldest GC generation before they complete.
    /// </summary>
    private protected virtual int ItemsInFlightPerWorker => 512;

    protected override void BeginProcessing()
    {
        var setup = _setup = new WorkerSetup
        {
            Script = UsingVariables.From(ScriptBlock, this),
            ArgumentList = ArgumentList,
            AsProcessBlock = StatelessScript.CanRunAsProcessBlock(ScriptBlock, ArgumentList.Length),
            InitializationScript = InitializationScript?.ToString(),
            Modules = ImportModule.Select(ModulePath).ToList(),
            Preferences = StreamPreferences(),
            Variables = Variables,
            Functions = Functions,
            KeepWarm = TimeSpan.FromSeconds(KeepWarmSec),
        };
        _pool = new WorkerPool(() => CreateWorker(setup), new WorkerPoolOptions
        {
            WorkerCount = ThrottleLimit,
            BatchSize = BatchSize,
            ItemTimeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : null,
            MaximumRetryCount = MaximumRetryCount,
        });
        _pool.Start();
        base.BeginProcessing();
    }

    protected override void ProcessRecord() => Submit(InputObject ?? new PSObject());

    protected override Task<bool> RunItemAsync(PSObject item, ItemOutputs outputs, CancellationToken cancellationToken) =>
        _pool!.RunAsync(item, outputs);

    protected override void WriteItemOutput(PSObject item, object? value) => WorkerOutput.Write(this, item, value);

    protected override bool WriteOutcome(Outcome<PSObject, bool> outcome)
    {
        if (outcome.Succeeded)
            return true;
        WriteError(WorkerOutput.ErrorFor(outcome.Item, outcome.Error!, MyInvocation.MyCommand.Name));
        return false;
    }

    protected override void StopWork()
    {
        if (_setup is not null)
            _setup.Stopped = true;
        _pool?.Stop();
    }

    protected override void ReleaseResources()
    {
        _pool?.Dispose();
        if (KeepWarmSec > 0 && Completed)
            Warm.Replenish(ThrottleLimit, TimeSpan.FromSeconds(KeepWarmSec));
        else if (KeepWarmSec == 0)
            Warm.CloseAll();
    }

    private string ModulePath(string module)
    {
        // A path is resolved here, against the caller's location; a name is looked up in each worker.
        if (!module.Contains('/') && !module.Contains('\\') && !module.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) && !module.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase) && !module.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            return module;
        return SessionState.Path.GetUnresolvedProviderPathFromPSPath(module);
    }

    private Hashtable StreamPreferences()
    {
        var preferences = new Hashtable();
        foreach (var name in new[] { "VerbosePreference", "DebugPreference", "WarningPreference", "InformationPreference" })
            preferences[name] = GetVariableValue(name)?.ToString();
        if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose) && ((SwitchParameter)verbose).IsPresent)
            preferences["VerbosePreference"] = "Continue";
        if (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && ((SwitchParameter)debug).IsPresent)
            preferences["DebugPreference"] = "Continue";
        return preferences;
    }
}

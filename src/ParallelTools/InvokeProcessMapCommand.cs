using System.Collections;
using System.Management.Automation;
using ParallelTools.Engine.Scheduling;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>Runs a scriptblock over pipeline items on a pool of pwsh worker processes.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProcessMap")]
[OutputType(typeof(PSObject))]
public sealed class InvokeProcessMapCommand : ScheduledCmdlet<PSObject, bool>
{
    private WorkerPool? _pool;

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
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRetryCount { get; set; }

    [Parameter]
    [ValidateRange(0, 86_400)]
    public int KeepWarmSec { get; set; } = 30;

    protected override int DefaultThrottleLimit => Environment.ProcessorCount;

    protected override bool WritesOutputs => true;

    // ThrottleLimit is the number of worker processes; many more items may be in flight, queued
    // in batches inside the workers.
    protected override SchedulerOptions CreateSchedulerOptions() =>
        new() { ThrottleLimit = ThrottleLimit * 512, Unordered = Unordered };

    protected override void BeginProcessing()
    {
        var script = UsingVariables.From(ScriptBlock, this);
        var setup = new WorkerSetup
        {
            Script = script,
            ArgumentList = ArgumentList,
            InitializationScript = InitializationScript?.ToString(),
            Modules = ImportModule.Select(ModulePath).ToList(),
            Preferences = StreamPreferences(),
        };
        _pool = new WorkerPool(() => new ProcessWorker(setup), new WorkerPoolOptions
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

    protected override async Task<bool> RunItemAsync(PSObject item, ItemOutputs outputs, CancellationToken cancellationToken)
    {
        await _pool!.RunAsync(item, outputs).ConfigureAwait(false);
        return true;
    }

    protected override void WriteItemOutput(PSObject item, object? value) => WorkerOutput.Write(this, item, value);

    protected override bool WriteOutcome(Outcome<PSObject, bool> outcome)
    {
        if (outcome.Succeeded)
            return true;
        WriteError(WorkerOutput.ErrorFor(outcome.Item, outcome.Error!, "Invoke-ProcessMap"));
        return false;
    }

    protected override void StopWork() => _pool?.Stop();

    protected override void ReleaseResources()
    {
        _pool?.Dispose();
        if (KeepWarmSec > 0 && Completed)
            WarmWorkers.Replenish(ThrottleLimit, TimeSpan.FromSeconds(KeepWarmSec));
        else if (KeepWarmSec == 0)
            WarmWorkers.CloseAll();
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

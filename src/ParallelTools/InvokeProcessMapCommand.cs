using System.Management.Automation;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>Runs a scriptblock over pipeline items on a pool of pwsh worker processes.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProcessMap")]
[OutputType(typeof(PSObject))]
public sealed class InvokeProcessMapCommand : MapCmdlet
{
    [Parameter]
    [ValidateRange(0, 86_400)]
    public int KeepWarmSec { get; set; } = 30;

    protected override int DefaultThrottleLimit => Environment.ProcessorCount;

    private protected override BatchWorker CreateWorker(WorkerSetup setup) => new ProcessWorker(setup);

    protected override void ReleaseResources()
    {
        base.ReleaseResources();
        if (KeepWarmSec > 0 && Completed)
            WarmWorkers.Replenish(ThrottleLimit, TimeSpan.FromSeconds(KeepWarmSec));
        else if (KeepWarmSec == 0)
            WarmWorkers.CloseAll();
    }
}

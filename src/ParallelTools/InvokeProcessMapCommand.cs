using System.Management.Automation;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>Runs a scriptblock over pipeline items on a pool of pwsh worker processes.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProcessMap")]
[OutputType(typeof(PSObject))]
public sealed class InvokeProcessMapCommand : MapCmdlet
{
    protected override int DefaultThrottleLimit => Environment.ProcessorCount;

    private protected override BatchWorker CreateWorker(WorkerSetup setup) => new ProcessWorker(setup);

    private protected override IWarmWorkers Warm => WarmRunspaces.Processes;
}

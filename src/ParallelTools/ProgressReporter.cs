using System.Diagnostics;
using System.Management.Automation;

namespace ParallelTools;

/// <summary>
/// One overall progress record for a run, written on the pipeline thread at most four times a
/// second, and only once the run has lasted a second (short runs show no flicker).
/// </summary>
internal sealed class ProgressReporter(Cmdlet cmdlet, string activity, bool enabled)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _next = FirstAfter;
    private bool _shown;

    public long Done { get; private set; }
    public long Failed { get; private set; }

    /// <summary>More to say after the counts (bytes and their rate), given the seconds elapsed.</summary>
    public Func<double, string>? Detail { get; set; }

    public void Count(bool succeeded)
    {
        Done++;
        if (!succeeded)
            Failed++;
    }

    /// <param name="running">Items in flight now.</param>
    /// <param name="total">Items in all, once the input has ended; null while it still arrives.</param>
    public void ReportIfDue(int running, long? total)
    {
        if (!enabled || _clock.Elapsed < _next)
            return;
        _next = _clock.Elapsed + Interval;
        double rate = Done / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        string detail = Detail is null ? "" : ", " + Detail(_clock.Elapsed.TotalSeconds);
        var record = new ProgressRecord(0, activity, $"{Done} done, {running} in flight, {Failed} failed, {rate:0.#}/s{detail}")
        {
            PercentComplete = total is > 0 ? (int)Math.Min(100, Done * 100 / total.Value) : -1,
        };
        if (total is > 0 && rate > 0)
            record.SecondsRemaining = (int)((total.Value - Done) / rate);
        cmdlet.WriteProgress(record);
        _shown = true;
    }

    public void Complete()
    {
        if (_shown)
            cmdlet.WriteProgress(new ProgressRecord(0, activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}

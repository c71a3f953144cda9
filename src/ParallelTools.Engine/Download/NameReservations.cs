using System.Collections.Concurrent;

namespace ParallelTools.Engine.Download;

/// <summary>The target paths claimed in one call, so two inputs never write the same file.</summary>
public sealed class NameReservations
{
    private readonly ConcurrentDictionary<string, Claimant> _owners = new(
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>
    /// Claims <paramref name="path"/> for one download; false, with the URL of the one that has it,
    /// when another download does (even of the same URL: each input is its own claimant).
    /// </summary>
    public bool TryReserve(string path, Claimant claimant, out string ownerUrl)
    {
        var owner = _owners.GetOrAdd(path, claimant);
        ownerUrl = owner.Url;
        return ReferenceEquals(owner, claimant);
    }

    /// <summary>One download asking for a name, told apart from every other by identity.</summary>
    public sealed class Claimant(string url)
    {
        public string Url { get; } = url;
    }
}

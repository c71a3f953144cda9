using System.Collections.Concurrent;

namespace ParallelTools.Engine.Download;

/// <summary>The target paths claimed in one call, so two inputs never write the same file.</summary>
public sealed class NameReservations
{
    private readonly ConcurrentDictionary<string, string> _owners = new(
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Claims <paramref name="path"/> for <paramref name="url"/>; false, with the owner, when another input has it.</summary>
    public bool TryReserve(string path, string url, out string owner)
    {
        owner = _owners.GetOrAdd(path, url);
        return ReferenceEquals(owner, url);
    }
}

namespace ParallelTools.Engine.Download;

/// <summary>A download failed for a reason of its own (not the network): the URL, the kind and the cause.</summary>
public sealed class DownloadException(string url, DownloadFailure failure, string reason, Exception? inner = null)
    : Exception($"{url}: {reason}", inner)
{
    public string Url { get; } = url;
    public DownloadFailure Failure { get; } = failure;
}

public enum DownloadFailure
{
    /// <summary>No safe file name inside the destination could be made.</summary>
    UnsafeName,

    /// <summary>The target exists and neither -Force nor -SkipExisting was given.</summary>
    TargetExists,

    /// <summary>Another input of the same call maps to the same file.</summary>
    NameConflict,

    /// <summary>The finished file's SHA-256 differs from the expected one.</summary>
    HashMismatch,

    /// <summary>The server's answer cannot be written consistently (a wrong range, a refused resume).</summary>
    BadResponse,

    /// <summary>Creating, writing or renaming the file failed.</summary>
    FileError,
}

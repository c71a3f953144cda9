namespace ParallelTools.Engine.Download;

/// <summary>How a <see cref="Downloader"/> writes files.</summary>
public sealed class DownloadOptions
{
    /// <summary>The folder every file goes into (created when missing).</summary>
    public required string Destination { get; init; }

    public ExistingFilePolicy ExistingFile { get; init; } = ExistingFilePolicy.Error;

    /// <summary>Keep a failed download's .part and continue it next time (Range with If-Range).</summary>
    public bool Resume { get; init; }

    /// <summary>Report the SHA-256 of every file (computed while writing).</summary>
    public bool ComputeSha256 { get; init; }

    /// <summary>Connections per file when the server supports ranges (1: one connection).</summary>
    public int SegmentCount { get; init; } = 1;

    /// <summary>Smallest segment worth its own connection.</summary>
    public long MinimumSegmentBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Bytes read before each write to disk.</summary>
    public int BufferSize { get; init; } = 1024 * 1024;

    /// <summary>Bytes read before each direct write: more than <see cref="BufferSize"/>, as each waits for the disk.</summary>
    public int DirectBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bodies of at least this many bytes (by Content-Length) are written past the page cache where the
    /// system allows it (<see cref="DirectWrites"/>); long.MaxValue for never. Measured on a 2-core VM at
    /// 16 downloads at once: 8 MiB files gained nothing, 64 MiB files took half the time and a third of the CPU.
    /// </summary>
    public long DirectWriteMinimumBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Counts the bytes written, for progress; null for none.</summary>
    public TransferCounter? Counter { get; init; }
}

public enum ExistingFilePolicy
{
    /// <summary>An existing target is an error for that item.</summary>
    Error,

    /// <summary>Replace it (-Force).</summary>
    Overwrite,

    /// <summary>Leave it and report Skipped without a request (-SkipExisting).</summary>
    Skip,
}

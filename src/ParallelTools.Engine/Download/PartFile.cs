using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ParallelTools.Engine.Download;

/// <summary>
/// The private file a download is written into beside its target, which takes the target's name
/// only once complete and checked. A plain download uses an unpredictable name created new, so no
/// planted file or link is ever opened; a resumable one uses "target.part" and keeps the response's
/// validator (strong ETag or Last-Modified) in "target.part.validator" for the next run's If-Range.
/// </summary>
internal sealed class PartFile : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Published = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly bool _resumable;
    private FileStream? _file;
    private volatile bool _direct;
    private bool _committed;

    private PartFile(string target, string path, bool resumable, FileStream file, long length, string? validator)
    {
        Target = target;
        Path = path;
        _resumable = resumable;
        _file = file;
        Length = length;
        Validator = validator;
    }

    public string Target { get; }
    public string Path { get; }

    /// <summary>Bytes written so far, contiguous from the start.</summary>
    public long Length { get; private set; }

    /// <summary>The validator of the response the bytes came from, when known.</summary>
    public string? Validator { get; private set; }

    private string ValidatorPath => Path + ".validator";

    public static PartFile CreateNew(string target)
    {
        string path = $"{target}.{Guid.NewGuid().ToString("N")[..12]}.part";
        return new PartFile(target, path, resumable: false, Open(path, FileMode.CreateNew), 0, null);
    }

    /// <summary>Opens target.part to continue it (its length and validator), or creates it.</summary>
    public static PartFile OpenResumable(string target)
    {
        string path = target + ".part";
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null)
            throw new IOException($"'{path}' is a link; refusing to write through it");
        if (!info.Exists)
            return new PartFile(target, path, resumable: true, Open(path, FileMode.CreateNew), 0, null);
        string validatorPath = path + ".validator";
        string? validator = File.Exists(validatorPath) ? File.ReadAllText(validatorPath, Encoding.UTF8).Trim() : null;
        var file = Open(path, FileMode.Open);
        bool known = validator is { Length: > 0 };
        return new PartFile(target, path, resumable: true, file, known ? file.Length : 0, known ? validator : null);
    }

    /// <summary>Starts over at byte 0 (a full response instead of the asked range).</summary>
    public void Restart(string? validator)
    {
        // Only a file with bytes in it is truncated: on ext4, truncating even an empty file marks it
        // to have all its data flushed when it is closed (auto_da_alloc), in the closing thread.
        // Measured: 1 GiB in 1 MiB writes took 0.50-0.62 s after such a truncate, 0.17-0.21 s without.
        if (RandomAccess.GetLength(Handle) > 0)
            RandomAccess.SetLength(Handle, 0);
        Length = 0;
        Validator = validator;
        if (_resumable)
        {
            if (validator is null)
                File.Delete(ValidatorPath);
            else
                File.WriteAllText(ValidatorPath, validator, Encoding.UTF8);
        }
    }

    /// <summary>Whether full aligned blocks go straight to disk (<see cref="DirectWrites"/>).</summary>
    public bool WritesDirect => _direct;

    /// <summary>From now on writes full aligned blocks straight to disk, where the system allows it.</summary>
    public void StartWritingDirect() => _direct = DirectWrites.TryEnable(Handle);

    public void Append(ReadOnlySpan<byte> data)
    {
        Write(data, Length);
        Length += data.Length;
    }

    public void WriteAt(ReadOnlySpan<byte> data, long offset) => Write(data, offset);

    // Any write a direct write cannot take (a short last block, a resumed file's odd offset) switches
    // the file back to the page cache for good, so concurrent segments never switch it back and forth.
    private void Write(ReadOnlySpan<byte> data, long offset)
    {
        if (_direct && !DirectWrites.Suits(data, offset))
            StopWritingDirect();
        bool direct = _direct; // another segment may switch the mode off meanwhile
        try
        {
            RandomAccess.Write(Handle, data, offset);
        }
        catch (IOException) when (direct)
        {
            StopWritingDirect(); // a file system that takes the mode but refuses the write: write it through the cache
            RandomAccess.Write(Handle, data, offset);
        }
    }

    private void StopWritingDirect()
    {
        _direct = false;
        DirectWrites.Disable(Handle);
    }

    /// <summary>Reserves the whole file for writes at offsets (segmented downloads).</summary>
    public void Preallocate(long length)
    {
        RandomAccess.SetLength(Handle, length);
        Length = length;
    }

    public int ReadAt(Span<byte> into, long offset)
    {
        if (_direct)
            StopWritingDirect();
        return RandomAccess.Read(Handle, into, offset);
    }

    /// <summary>Gives the finished file its final name (replacing an existing one only when asked).</summary>
    public void Commit(bool overwrite)
    {
        var file = _file ?? throw new ObjectDisposedException(Path);
        _file = null;
        file.Dispose();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path, Published); // deliberately, not whatever the private mode was
        File.Move(Path, Target, overwrite);
        _committed = true; // the .part path no longer names anything of ours
        if (_resumable)
            File.Delete(ValidatorPath);
    }

    /// <summary>Closes it, and removes it unless it is kept to resume (some bytes and a validator).</summary>
    public void Abandon()
    {
        if (_committed)
            return;
        if (_resumable && Length > 0 && Validator is not null)
            Close();
        else
            Discard();
    }

    /// <summary>Closes and removes it whatever the mode (its content is known bad).</summary>
    public void Discard()
    {
        Close();
        TryDelete(Path);
        if (_resumable)
            TryDelete(ValidatorPath);
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }

    public void Dispose() => Abandon();

    private SafeFileHandle Handle => (_file ?? throw new ObjectDisposedException(Path)).SafeFileHandle;

    // Unbuffered: every write is already a large block, at an explicit offset.
    private static FileStream Open(string path, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode == FileMode.CreateNew)
            options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using ParallelTools.Engine.Download;

namespace ParallelTools.Engine.Tests.Download;

public sealed class DirectWritesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pt-direct-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const int DirectOnX64 = 0x4000;

    // The kernel's own account of the open file's flags (octal), read independently of DirectWrites; on x64 only.
    private static int? FlagsInFdInfo(FileStream file)
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return null;
        string line = File.ReadLines($"/proc/self/fdinfo/{file.SafeFileHandle.DangerousGetHandle()}").First(l => l.StartsWith("flags:"));
        return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + i / 4096)).ToArray();

    [Fact]
    public void BlockPool_GivesAlignedBlocks_OfTheAskedSize_AndReusesThem()
    {
        var pool = new BlockPool();
        var block = pool.Rent(1 << 20);
        Assert.Equal(1 << 20, block.Count);
        Assert.True(DirectWrites.Suits(block, 0));
        Assert.False(DirectWrites.Suits(block.AsSpan(1, 4096), 0));
        Assert.False(DirectWrites.Suits(block.AsSpan(0, 4095), 0));
        Assert.False(DirectWrites.Suits(block, 512));
        pool.Return(block);
        Assert.Same(block.Array, pool.Rent(1 << 20).Array);
        Assert.NotSame(block.Array, pool.Rent(1 << 20).Array);
    }

    [FactWhereDirectWrites]
    public void TheModeIsSwitchedOnAndOff_AsTheSystemReportsIt()
    {
        using var file = File.Create(Path.Combine(_folder, "f"));
        Assert.True(DirectWrites.TryEnable(file.SafeFileHandle));
        Assert.True(DirectWrites.IsEnabled(file.SafeFileHandle));
        Assert.True(FlagsInFdInfo(file) is not { } on || (on & DirectOnX64) != 0);
        DirectWrites.Disable(file.SafeFileHandle);
        Assert.False(DirectWrites.IsEnabled(file.SafeFileHandle));
        Assert.True(FlagsInFdInfo(file) is not { } off || (off & DirectOnX64) == 0);
    }

    [Fact]
    public void FileSystemsOtherThanExt4AndXfs_KeepTheirWritesThroughTheCache()
    {
        // tmpfs (Linux's /dev/shm) takes O_DIRECT since Linux 6.6, but is not a disk: it is left alone.
        if (!File.Exists("/proc/mounts") || !File.ReadLines("/proc/mounts").Any(l => l.Split(' ') is [_, "/dev/shm", "tmpfs", ..]))
            return; // no tmpfs to try: nothing to show on this system
        string path = $"/dev/shm/pt-direct-{Guid.NewGuid():N}";
        try
        {
            using var file = File.Create(path);
            Assert.False(DirectWrites.TryEnable(file.SafeFileHandle));
            Assert.False(DirectWrites.IsEnabled(file.SafeFileHandle));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [FactWhereDirectWrites]
    public void PartFile_WritesFullAlignedBlocksDirect_AndTheShortLastBlockThroughTheCache()
    {
        var pool = new BlockPool();
        byte[] expected = Pattern(3 * 65536 + 1000);
        string target = Path.Combine(_folder, "t.bin");
        using (var part = PartFile.CreateNew(target))
        {
            part.StartWritingDirect();
            Assert.True(part.WritesDirect);
            var block = pool.Rent(65536);
            for (int offset = 0; offset < expected.Length; offset += block.Count)
            {
                int count = Math.Min(block.Count, expected.Length - offset);
                expected.AsSpan(offset, count).CopyTo(block);
                bool wasDirect = part.WritesDirect;
                part.Append(block.AsSpan(0, count));
                // A full block stays direct (a refused direct write would switch the file back); the tail does not.
                Assert.Equal(wasDirect && count == block.Count, part.WritesDirect);
            }
            part.Commit(overwrite: false);
        }
        Assert.Equal(expected, File.ReadAllBytes(target));
    }

    [FactWhereDirectWrites]
    public void PartFile_AResumedFilesOddLength_IsContinuedThroughTheCache()
    {
        var pool = new BlockPool();
        byte[] expected = Pattern(65536 + 100);
        string target = Path.Combine(_folder, "r.bin");
        File.WriteAllBytes(target + ".part", expected[..100]);
        File.WriteAllText(target + ".part.validator", "\"v1\"");
        using var part = PartFile.OpenResumable(target);
        Assert.Equal(100, part.Length);
        part.StartWritingDirect();
        var block = pool.Rent(65536);
        expected.AsSpan(100).CopyTo(block);
        part.Append(block);
        Assert.False(part.WritesDirect);
        part.Commit(overwrite: false);
        Assert.Equal(expected, File.ReadAllBytes(target));
    }
}

/// <summary>A test of direct writes, skipped where the system or the temp folder's file system has none.</summary>
public sealed class FactWhereDirectWritesAttribute : FactAttribute
{
    public FactWhereDirectWritesAttribute()
    {
        if (!TempFolderTakesDirectWrites())
            Skip = "no direct writes on this system or in its temp folder";
    }

    private static bool TempFolderTakesDirectWrites()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pt-direct-probe-{Guid.NewGuid():N}");
        try
        {
            using var file = File.Create(path);
            return DirectWrites.TryEnable(file.SafeFileHandle);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

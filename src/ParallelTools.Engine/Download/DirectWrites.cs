using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ParallelTools.Engine.Download;

/// <summary>
/// Writes that go from the program's buffer to the disk without passing through the page cache
/// (Linux O_DIRECT, switched on and off an open file with fcntl). A large download written through
/// the cache costs a copy per byte and fills the cache with pages nobody reads soon; on a virtual
/// machine whose free memory goes back to the host, each of those pages is also a fault on the host,
/// measured at about 2 CPU-seconds per GiB. Direct writes need the buffer's address, the length and
/// the file offset to be multiples of <see cref="Alignment"/>; any other write goes through the cache.
/// </summary>
internal static class DirectWrites
{
    /// <summary>The largest logical block size of common disks: alignment to it suits them all.</summary>
    public const int Alignment = 4096;

    private const int GetStatusFlags = 3; // F_GETFL
    private const int SetStatusFlags = 4; // F_SETFL

    // O_DIRECT differs by architecture; elsewhere (other systems, 32-bit) there are none.
    private static readonly int DirectFlag = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => 0,
    };

    // Local disk file systems whose direct writes are plain and fast: ext2/3/4 and XFS. Elsewhere a
    // direct write may mean a round trip to a server (NFS, FUSE), a fallback or a checksum caveat (Btrfs).
    private const long Ext4Magic = 0xEF53;
    private const long XfsMagic = 0x58465342;

    /// <summary>
    /// Switches the file to direct writes; false (and unchanged) on other systems and on file systems
    /// other than ext2/3/4 and XFS.
    /// </summary>
    public static bool TryEnable(SafeFileHandle file) =>
        DirectFlag != 0 && (FileSystemType(file) is Ext4Magic or XfsMagic) && SetFlag(file, on: true);

    /// <summary>Switches the file back to writes through the page cache.</summary>
    public static void Disable(SafeFileHandle file)
    {
        if (DirectFlag != 0 && !SetFlag(file, on: false))
            throw new IOException($"switching off direct writes failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Whether the open file is in direct mode now, as the system reports it.</summary>
    public static bool IsEnabled(SafeFileHandle file) =>
        DirectFlag != 0 && (fcntl(Descriptor(file), GetStatusFlags, 0) & DirectFlag) != 0;

    /// <summary>Whether a direct write can take these bytes at this offset.</summary>
    public static bool Suits(ReadOnlySpan<byte> data, long offset) =>
        data.Length % Alignment == 0 && offset % Alignment == 0 && BytesToAlignment(data) == 0;

    /// <summary>How many bytes into <paramref name="data"/> the first aligned address is (data whose address cannot move).</summary>
    public static unsafe int BytesToAlignment(ReadOnlySpan<byte> data)
    {
        fixed (byte* address = data)
            return (int)((Alignment - (nint)address % Alignment) % Alignment);
    }

    private static bool SetFlag(SafeFileHandle file, bool on)
    {
        int fd = Descriptor(file);
        int flags = fcntl(fd, GetStatusFlags, 0);
        if (flags < 0)
            return false;
        return fcntl(fd, SetStatusFlags, on ? flags | DirectFlag : flags & ~DirectFlag) == 0;
    }

    private static int Descriptor(SafeFileHandle file) => (int)file.DangerousGetHandle();

    // statfs's first field, f_type, is a long on 64-bit Linux; the struct is 120 bytes there.
    private static unsafe long FileSystemType(SafeFileHandle file)
    {
        long* statfs = stackalloc long[32];
        return fstatfs(Descriptor(file), statfs) == 0 ? statfs[0] : 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int fstatfs(int fd, long* buffer);
}

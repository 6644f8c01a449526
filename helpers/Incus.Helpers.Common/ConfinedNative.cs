using System.Runtime.InteropServices;

namespace Incus.Helpers;

/// <summary>The *at() system calls that keep every path operation beneath an open directory.</summary>
internal static unsafe partial class ConfinedNative
{
    internal const int OPath = 0x200000;
    internal const int ODirectory = 0x10000;
    internal const int ONoFollow = 0x20000;
    internal const int OCloexec = 0x80000;
    internal const int ORdonly = 0;
    internal const int OWronly = 1;
    internal const int OCreat = 0x40;
    internal const int OExcl = 0x80;
    internal const ulong ResolveNoXdev = 0x01;
    internal const ulong ResolveNoMagicLinks = 0x02;
    internal const ulong ResolveNoSymlinks = 0x04;
    internal const ulong ResolveBeneath = 0x08;
    internal const int AtRemoveDir = 0x200;
    internal const int AtSymlinkNoFollow = 0x100;
    private const long SysOpenat2 = 437;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkdirat(int dirfd, string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlinkat(int dirfd, string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int openat(int dirfd, string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int symlinkat(string target, int newdirfd, string linkpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int fchownat(int dirfd, string path, uint owner, uint group, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fchown(int fd, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    /// <summary>openat2(2): resolves <paramref name="path"/> under <paramref name="dirfd"/> with the given RESOLVE_* rules.</summary>
    internal static int Openat2(int dirfd, string path, int flags, ulong resolve)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var how = new OpenHow { Flags = (ulong)(flags | OCloexec), Mode = 0, Resolve = resolve };
        fixed (byte* pathPointer = bytes)
        {
            return (int)syscall(SysOpenat2, dirfd, pathPointer, &how, (nuint)sizeof(OpenHow));
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The S_IFMT bits of an open descriptor's file type (statx with AT_EMPTY_PATH).</summary>
    internal static int FileType(int fd)
    {
        const int AtEmptyPath = 0x1000;
        const uint StatxType = 0x1;
        const int ModeOffset = 28;
        byte* buffer = stackalloc byte[256];
        if (statx(fd, "", AtEmptyPath, StatxType, buffer) != 0)
        {
            throw new IOException($"statx: {Describe(LastError)}");
        }
        return *(ushort*)(buffer + ModeOffset) & 0xF000;
    }

    internal const int RegularFileType = 0x8000;
    internal const int ONonBlock = 0x800;

    internal static int LastError => Marshal.GetLastPInvokeError();

    internal static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

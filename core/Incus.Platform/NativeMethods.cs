using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>libc entry points that Tmds.LibC does not bind.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int execve(string path, string?[] argv, string?[] envp);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close_range(uint first, uint last, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint write(int fd, byte* buffer, nint count);

    // Pseudo-terminals.

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int ptsname_r(int fd, byte* buffer, nint length);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int poll(void* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int tcsetattr(int fd, int when, byte* termios);

    [LibraryImport("libc")]
    internal static unsafe partial void cfmakeraw(byte* termios);

    // Processes: posix_spawn and pidfds.

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawn_file_actions_init(byte* actions);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawn_file_actions_destroy(byte* actions);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int posix_spawn_file_actions_addopen(byte* actions, int fd, string path, int flags, uint mode);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawn_file_actions_adddup2(byte* actions, int fd, int newFd);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawn_file_actions_addclosefrom_np(byte* actions, int from);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int posix_spawn_file_actions_addchdir_np(byte* actions, string path);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawnattr_init(byte* attributes);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawnattr_destroy(byte* attributes);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawnattr_setflags(byte* attributes, short flags);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawnattr_setsigdefault(byte* attributes, byte* signals);

    [LibraryImport("libc")]
    internal static unsafe partial int posix_spawnattr_setsigmask(byte* attributes, byte* signals);

    [LibraryImport("libc")]
    internal static unsafe partial int sigfillset(byte* set);

    [LibraryImport("libc")]
    internal static unsafe partial int sigemptyset(byte* set);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int posix_spawn(int* pid, string path, byte* actions, byte* attributes, string?[] argv, string?[] envp);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int pidfd_send_signal(int pidfd, int signal, nint info, uint flags);
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Incus.Platform;

/// <summary>
/// A pidfd: a reference to one process that stays valid after the process exits and is never
/// redirected to a later process that reuses the pid, so signals sent through it cannot hit a stranger.
/// </summary>
public sealed class ProcessHandle : IDisposable
{
    private const int Esrch = 3;
    private readonly SafeFileHandle _pidfd;

    private ProcessHandle(int pid, SafeFileHandle pidfd)
    {
        Pid = pid;
        _pidfd = pidfd;
    }

    public int Pid { get; }

    /// <summary>Opens a handle on a live process; null when no process has that pid.</summary>
    public static ProcessHandle? TryOpen(int pid)
    {
        int fd = NativeMethods.pidfd_open(pid, 0);
        if (fd >= 0)
        {
            return new ProcessHandle(pid, new SafeFileHandle(fd, ownsHandle: true));
        }
        int error = Marshal.GetLastPInvokeError();
        return error == Esrch ? null : throw new IOException($"pidfd_open({pid}) failed: {Marshal.GetPInvokeErrorMessage(error)}");
    }

    /// <summary>
    /// Sends a signal; false when the process is gone. A process that has exited but is not yet
    /// reaped still counts (signal 0 then tells that its pid cannot have been reused).
    /// </summary>
    public bool TrySignal(int signal)
    {
        using var lease = new HandleLease(_pidfd);
        if (NativeMethods.pidfd_send_signal(lease.Fd, signal, 0, 0) == 0)
        {
            return true;
        }
        int error = Marshal.GetLastPInvokeError();
        return error == Esrch ? false : throw new IOException($"pidfd_send_signal({Pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(error)}");
    }

    public void Dispose() => _pidfd.Dispose();
}

using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>
/// .NET opens every descriptor close-on-exec. Passing a listening socket to a child means clearing
/// that flag for the duration of one spawn, then setting it again.
/// </summary>
public static class DescriptorInheritance
{
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloexec = 1;
    private const int CloseRangeCloexec = 4;

    private static readonly Lock SpawnGate = new();

    /// <summary>
    /// Starts a process that inherits <paramref name="fd"/> under its own number. Spawns through here are
    /// serialised, so no other child started this way picks the descriptor up by accident.
    /// </summary>
    public static System.Diagnostics.Process StartWithDescriptor(System.Diagnostics.ProcessStartInfo start, int fd)
    {
        lock (SpawnGate)
        {
            SetInheritable(fd, true);
            try
            {
                return System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
            }
            finally
            {
                SetInheritable(fd, false);
            }
        }
    }

    /// <summary>
    /// Marks every descriptor from <paramref name="first"/> up close-on-exec. Descriptors a process
    /// inherited (a listening socket, or whatever its own parent leaked) are not close-on-exec, and
    /// would otherwise reach every program it runs.
    /// </summary>
    public static void CloseOnExecFrom(int first)
    {
        if (NativeMethods.close_range((uint)first, uint.MaxValue, CloseRangeCloexec) != 0)
        {
            throw new IOException($"close_range({first}, CLOSE_RANGE_CLOEXEC) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    public static void SetInheritable(int fd, bool inheritable)
    {
        int flags = NativeMethods.fcntl(fd, FGetFd, 0);
        if (flags < 0)
        {
            throw new IOException($"fcntl(F_GETFD) on fd {fd} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        int wanted = inheritable ? flags & ~FdCloexec : flags | FdCloexec;
        if (NativeMethods.fcntl(fd, FSetFd, wanted) < 0)
        {
            throw new IOException($"fcntl(F_SETFD) on fd {fd} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }
}

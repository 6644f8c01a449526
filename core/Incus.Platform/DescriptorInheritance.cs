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

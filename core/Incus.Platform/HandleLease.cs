using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>
/// Keeps a SafeHandle's descriptor open for the duration of a native call: a Dispose on another
/// thread then only marks the handle closed, and the descriptor is closed when the lease ends.
/// </summary>
internal readonly struct HandleLease : IDisposable
{
    private readonly SafeHandle _handle;

    public HandleLease(SafeHandle handle)
    {
        bool added = false;
        // Throws ObjectDisposedException once the handle is closed, so a lease always holds a reference.
        handle.DangerousAddRef(ref added);
        _handle = handle;
    }

    public int Fd => (int)_handle.DangerousGetHandle();

    public void Dispose() => _handle.DangerousRelease();
}

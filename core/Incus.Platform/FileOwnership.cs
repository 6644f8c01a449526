using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>Ownership changes the standard library lacks.</summary>
public static class FileOwnership
{
    public static void Chown(string path, uint uid, uint gid)
    {
        if (NativeMethods.chown(path, uid, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown {path} to {uid}:{gid} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }
}

using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>
/// A file opened with O_APPEND, written one record per write(2). .NET's FileMode.Append only seeks to
/// the end at open and then writes at its own offset, so several processes appending to one file (the
/// helpers sharing the audit log) overwrite each other; with O_APPEND the kernel places every write
/// at the current end.
/// </summary>
public sealed class AppendOnlyFile : IDisposable
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Append = 0x400;
    private const int CloseOnExec = 0x80000;
    private int _fd;

    public AppendOnlyFile(string path, UnixFileMode createMode)
    {
        _fd = NativeMethods.open(path, WriteOnly | Create | Append | CloseOnExec, (uint)createMode);
        if (_fd < 0)
        {
            throw new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Appends the whole record with one write, retrying only for a short write.</summary>
    public unsafe void Write(ReadOnlySpan<byte> record)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        fixed (byte* start = record)
        {
            int done = 0;
            while (done < record.Length)
            {
                nint written = NativeMethods.write(_fd, start + done, record.Length - done);
                if (written < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == 4)
                    {
                        continue;
                    }
                    throw new IOException($"write: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
                done += (int)written;
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            NativeMethods.close(_fd);
            _fd = -1;
        }
    }
}

using System.Runtime.InteropServices;

namespace Incus.Cli;

/// <summary>
/// The user's terminal, through libc rather than System.Console: Console keeps its own idea of the
/// terminal's settings and puts them back at exit, and reads from it go through a line editor, both
/// of which would fight raw mode.
/// </summary>
internal static unsafe partial class LocalTerminal
{
    public const int Stdin = 0, Stdout = 1;
    private const nuint TiocGWinSz = 0x5413;
    private const int TcsaNow = 0;
    private const int Eintr = 4;
    // glibc's struct termios is 60 bytes; the buffer leaves room to spare.
    private const int TermiosBufferSize = 256;

    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    /// <summary>Columns and rows of the terminal on <paramref name="fd"/>, or null when it is not one.</summary>
    public static (int Columns, int Rows)? WindowSize(int fd)
    {
        ushort* size = stackalloc ushort[4];
        return ioctl(fd, TiocGWinSz, size) == 0 ? (size[1], size[0]) : null;
    }

    /// <summary>Switches the terminal to raw mode; disposing the result puts the previous settings back.</summary>
    public static IDisposable MakeRaw(int fd)
    {
        byte[] saved = new byte[TermiosBufferSize];
        byte[] raw = new byte[TermiosBufferSize];
        fixed (byte* old = saved)
        fixed (byte* changed = raw)
        {
            if (tcgetattr(fd, old) != 0)
            {
                throw new CliException($"cannot read the terminal's settings: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
            new ReadOnlySpan<byte>(old, TermiosBufferSize).CopyTo(new Span<byte>(changed, TermiosBufferSize));
            cfmakeraw(changed);
            if (tcsetattr(fd, TcsaNow, changed) != 0)
            {
                throw new CliException($"cannot put the terminal in raw mode: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        return new Restore(fd, saved);
    }

    /// <summary>Blocking read; 0 at end of input (or when the terminal is gone).</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                nint read = LocalTerminal.read(fd, data, buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error != Eintr)
                {
                    return 0;
                }
            }
        }
    }

    public static void Write(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            int written = 0;
            while (written < buffer.Length)
            {
                nint result = write(fd, data + written, buffer.Length - written);
                if (result >= 0)
                {
                    written += (int)result;
                    continue;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error != Eintr)
                {
                    throw new IOException($"write to the terminal failed: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
        }
    }

    private sealed class Restore(int fd, byte[] saved) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done)
            {
                return;
            }
            _done = true;
            fixed (byte* old = saved)
            {
                tcsetattr(fd, TcsaNow, old);
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int when, byte* termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nint count);
}

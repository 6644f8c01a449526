using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Incus.Platform;

/// <summary>
/// A pseudo-terminal whose master end this process keeps. The slave end is never opened here: the
/// child opens it by <see cref="SlavePath"/>, so once the child and its descendants have exited,
/// reads from the master end with EIO and <see cref="Read"/> reports the end of output.
/// </summary>
public sealed class Pseudoterminal : IDisposable
{
    /// <summary>TIOCPKT_FLUSHREAD: the slave's input queue was flushed (tcflush or tcsetattr with TCSAFLUSH).</summary>
    public const byte PacketFlushRead = 0x01;

    private const int ORdWr = 2;
    private const int ONoCtty = 0x100;
    private const int OCloExec = 0x80000;
    private const nuint TiocSWinSz = 0x5414;
    private const nuint TiocPkt = 0x5420;
    private const int TcsaNow = 0;
    // struct termios starts with c_iflag, c_oflag, c_cflag, c_lflag (unsigned int each) on Linux.
    private const int OutputFlagsIndex = 1;
    private const uint OPost = 0x1;
    private const uint OnlCr = 0x4;
    private const int Eintr = 4;
    private const int PollIn = 1;
    private const int Eio = 5;
    // glibc's struct termios is 60 bytes on the architectures .NET runs on; the buffer leaves room to spare.
    private const int TermiosBufferSize = 256;

    private readonly SafeFileHandle _master;

    private Pseudoterminal(SafeFileHandle master, string slavePath)
    {
        _master = master;
        SlavePath = slavePath;
    }

    /// <summary>The slave's path in this process's /dev/pts, for the child to open as its terminal.</summary>
    public string SlavePath { get; }

    public static unsafe Pseudoterminal Open()
    {
        int fd = NativeMethods.posix_openpt(ORdWr | ONoCtty | OCloExec);
        if (fd < 0)
        {
            throw Failure("posix_openpt");
        }
        var master = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (NativeMethods.grantpt(fd) != 0)
            {
                throw Failure("grantpt");
            }
            if (NativeMethods.unlockpt(fd) != 0)
            {
                throw Failure("unlockpt");
            }
            byte* name = stackalloc byte[128];
            int error = NativeMethods.ptsname_r(fd, name, 128);
            if (error != 0)
            {
                throw new IOException($"ptsname_r failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
            return new Pseudoterminal(master, Marshal.PtrToStringUTF8((nint)name)!);
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Puts the terminal in raw mode (no echo, no line editing, no signal characters). With
    /// <paramref name="translateNewlines"/> output processing stays on with only ONLCR, so every "\n"
    /// written to the slave reaches the master as "\r\n". Terminal attributes set through the master
    /// apply to the slave, which is what the child reads through.
    /// </summary>
    public unsafe void MakeRaw(bool translateNewlines)
    {
        using var master = Lease();
        byte* termios = stackalloc byte[TermiosBufferSize];
        if (NativeMethods.tcgetattr(master.Fd, termios) != 0)
        {
            throw Failure("tcgetattr");
        }
        NativeMethods.cfmakeraw(termios);
        if (translateNewlines)
        {
            ((uint*)termios)[OutputFlagsIndex] |= OPost | OnlCr;
        }
        if (NativeMethods.tcsetattr(master.Fd, TcsaNow, termios) != 0)
        {
            throw Failure("tcsetattr");
        }
    }

    /// <summary>
    /// Packet mode (TIOCPKT): every read then starts with a status byte, 0 before data written by the
    /// slave side or else a set of TIOCPKT_* events, such as <see cref="PacketFlushRead"/> when the
    /// slave discarded its pending input.
    /// </summary>
    public unsafe void EnablePacketMode()
    {
        using var master = Lease();
        int on = 1;
        if (NativeMethods.ioctl(master.Fd, TiocPkt, &on) != 0)
        {
            throw Failure("ioctl(TIOCPKT)");
        }
    }

    /// <summary>TIOCSWINSZ on the master: the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public unsafe void SetWindowSize(ushort columns, ushort rows)
    {
        using var master = Lease();
        ushort* size = stackalloc ushort[4] { rows, columns, 0, 0 };
        if (NativeMethods.ioctl(master.Fd, TiocSWinSz, size) != 0)
        {
            throw Failure("ioctl(TIOCSWINSZ)");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for output (or the end of it); false when none came.</summary>
    public unsafe bool WaitForOutput(TimeSpan timeout)
    {
        using var master = Lease();
        // struct pollfd { int fd; short events; short revents; }, asking for POLLIN.
        int* entry = stackalloc int[2];
        entry[0] = master.Fd;
        entry[1] = PollIn;
        while (true)
        {
            int ready = NativeMethods.poll(entry, 1, (int)timeout.TotalMilliseconds);
            if (ready >= 0)
            {
                return ready > 0;
            }
            int error = Marshal.GetLastPInvokeError();
            if (error != Eintr)
            {
                throw new IOException($"poll on terminal master failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
    }

    /// <summary>Blocks until output is available; 0 means every slave descriptor is closed and the output is drained.</summary>
    public unsafe int Read(Span<byte> buffer)
    {
        using var master = Lease();
        fixed (byte* data = buffer)
        {
            while (true)
            {
                nint read = NativeMethods.read(master.Fd, data, buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error == Eio)
                {
                    return 0;
                }
                if (error != Eintr)
                {
                    throw new IOException($"read from terminal master failed: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
        }
    }

    /// <summary>Writes input for the child; blocks while the terminal's input queue is full.</summary>
    public unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        using var master = Lease();
        fixed (byte* data = buffer)
        {
            int written = 0;
            while (written < buffer.Length)
            {
                nint result = NativeMethods.write(master.Fd, data + written, buffer.Length - written);
                if (result >= 0)
                {
                    written += (int)result;
                    continue;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error != Eintr)
                {
                    throw new IOException($"write to terminal master failed: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
        }
    }

    public void Dispose() => _master.Dispose();

    /// <summary>A reference on the handle for one call, so a concurrent Dispose cannot close the descriptor under it.</summary>
    private HandleLease Lease() => new(_master);

    private static IOException Failure(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
}

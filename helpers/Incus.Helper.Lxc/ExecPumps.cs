using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Copies the command's output to the core. If the core is gone they keep reading and drop what they
/// read, so the command never blocks on a full pipe or terminal before the relay has killed it.
/// </summary>
internal static class ExecPumps
{
    private const int BufferSize = 32 * 1024;
    private static readonly TimeSpan HeldCarriageReturnWait = TimeSpan.FromMilliseconds(50);

    public static async Task PumpAsync(Stream from, byte type, FrameWriter frames)
    {
        byte[] buffer = new byte[BufferSize];
        bool deliver = true;
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (deliver)
            {
                deliver = await TrySendAsync(frames, type, buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Copies the terminal's output, read in packet mode, with its newline translation undone (see
    /// <see cref="TerminalRun"/>), and reports when the slave side flushed its pending input. The
    /// kernel writes an ONLCR "\r\n" in one go, so a "\r" that ended a read and is not followed by
    /// more output within a moment was the command's own and is passed on.
    /// </summary>
    public static void PumpTerminal(Pseudoterminal terminal, FrameWriter frames, Action inputFlushed)
    {
        byte[] buffer = new byte[BufferSize + 1];
        byte[] restored = new byte[BufferSize + 1];
        var reversal = new NewlineTranslationReversal();
        bool deliver = true;
        while (true)
        {
            if (reversal.Holding && !terminal.WaitForOutput(HeldCarriageReturnWait))
            {
                deliver = Deliver(frames, restored, reversal.Flush(restored), deliver);
            }
            int read = terminal.Read(buffer);
            if (read == 0)
            {
                break;
            }
            if (buffer[0] != 0)
            {
                if ((buffer[0] & Pseudoterminal.PacketFlushRead) != 0)
                {
                    inputFlushed();
                }
                continue;
            }
            deliver = Deliver(frames, restored, reversal.Reverse(buffer.AsSpan(1, read - 1), restored), deliver);
        }
        Deliver(frames, restored, reversal.Flush(restored), deliver);
    }

    private static bool Deliver(FrameWriter frames, byte[] data, int length, bool deliver) =>
        !deliver || length == 0 ? deliver : TrySend(frames, data.AsSpan(0, length));

    private static async Task<bool> TrySendAsync(FrameWriter frames, byte type, ReadOnlyMemory<byte> data)
    {
        try
        {
            await frames.SendAsync(type, data).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static bool TrySend(FrameWriter frames, ReadOnlySpan<byte> data)
    {
        try
        {
            frames.Send(ExecFrames.Output, data);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return false;
        }
    }
}

using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Copies the command's output to the core. If the core is gone they keep reading and drop what they
/// read, so the command never blocks on a full pipe or terminal before the relay has killed it.
/// </summary>
internal static class ExecPumps
{
    private const int BufferSize = 32 * 1024;

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
    /// Copies the terminal's output. Once lxc-attach has put the terminal into newline translation
    /// (it does so before it copies anything), the translation is undone; see <see cref="NewlineTranslationReversal"/>.
    /// </summary>
    public static void PumpTerminal(Pseudoterminal terminal, FrameWriter frames)
    {
        byte[] buffer = new byte[BufferSize];
        byte[] restored = new byte[BufferSize + 1];
        NewlineTranslationReversal? reversal = null;
        bool deliver = true;
        int read;
        while ((read = terminal.Read(buffer)) > 0)
        {
            if (reversal is null && terminal.TranslatesNewlines())
            {
                reversal = new NewlineTranslationReversal();
            }
            int length = reversal?.Reverse(buffer.AsSpan(0, read), restored) ?? 0;
            if (deliver)
            {
                deliver = TrySend(frames, reversal is null ? buffer.AsSpan(0, read) : restored.AsSpan(0, length));
            }
        }
        if (deliver && reversal?.Flush(restored) is > 0)
        {
            TrySend(frames, restored.AsSpan(0, 1));
        }
    }

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

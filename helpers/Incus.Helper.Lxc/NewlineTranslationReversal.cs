namespace Incus.Helpers.Lxc;

/// <summary>
/// Undoes ONLCR ("\n" written as "\r\n") on a byte stream. lxc-attach forces OPOST and ONLCR on the
/// terminal it is started on, so everything it copies from the container's terminal, which already
/// ends lines with "\r\n", would reach the client as "\r\r\n". ONLCR only ever inserts a "\r" before
/// a "\n", so dropping the "\r" of every "\r\n" restores the container terminal's bytes exactly. A
/// trailing "\r" is held back until the next chunk shows whether a "\n" follows it, or until the
/// caller decides none will (<see cref="Flush"/>).
/// </summary>
public sealed class NewlineTranslationReversal
{
    private bool _heldCarriageReturn;

    /// <summary>Whether a "\r" is held back, waiting for the next chunk.</summary>
    public bool Holding => _heldCarriageReturn;

    /// <summary>Writes the restored bytes of <paramref name="input"/> to <paramref name="output"/> (at least input.Length + 1 long) and returns their count.</summary>
    public int Reverse(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = 0;
        foreach (byte b in input)
        {
            if (_heldCarriageReturn)
            {
                _heldCarriageReturn = false;
                if (b != (byte)'\n')
                {
                    output[written++] = (byte)'\r';
                }
            }
            if (b == (byte)'\r')
            {
                _heldCarriageReturn = true;
                continue;
            }
            output[written++] = b;
        }
        return written;
    }

    /// <summary>Releases a held-back "\r" into <paramref name="output"/>; returns how many bytes that is (0 or 1).</summary>
    public int Flush(Span<byte> output)
    {
        if (!_heldCarriageReturn)
        {
            return 0;
        }
        _heldCarriageReturn = false;
        output[0] = (byte)'\r';
        return 1;
    }
}

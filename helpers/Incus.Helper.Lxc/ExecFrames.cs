using System.Buffers.Binary;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// The frames of an exec session's socket (see <see cref="ExecSession"/>) and the checks on the ones
/// the core sends. A frame that breaks the format ends the session; a well-formed request for a
/// value outside <see cref="ExecLimits"/> is refused and the session goes on.
/// </summary>
public static class ExecFrames
{
    public const byte Input = 0, Output = 1, Error = 2, Exit = 3, EndOfInput = 4, WindowSize = 5, Signal = 6;
    public const int HeaderLength = 5;
    public const int MaxFrame = 1024 * 1024;

    /// <summary>The length field of a frame header from the core; throws on a type or length the format does not allow.</summary>
    public static int CheckHeader(ReadOnlySpan<byte> header)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);
        int? required = header[0] switch
        {
            Input => null,
            EndOfInput => 0,
            WindowSize => 4,
            Signal => 4,
            _ => throw new InvalidDataException($"exec frame type {header[0]} may not come from the core"),
        };
        if (length is < 0 or > MaxFrame || (required is int exact && length != exact))
        {
            throw new InvalidDataException($"exec frame type {header[0]} with {length} bytes");
        }
        return length;
    }

    /// <summary>Columns and rows of a window-size frame, or null when they are outside 1–<see cref="ExecLimits.MaxWindowDimension"/>.</summary>
    public static (ushort Columns, ushort Rows)? WindowSizeOf(ReadOnlySpan<byte> data)
    {
        ushort columns = BinaryPrimitives.ReadUInt16BigEndian(data);
        ushort rows = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return ExecLimits.IsValidWindowSize(columns, rows) ? (columns, rows) : null;
    }

    /// <summary>The signal number of a signal frame, or null when it is not in <see cref="ExecLimits.AllowedSignals"/>.</summary>
    public static int? SignalOf(ReadOnlySpan<byte> data)
    {
        int signal = BinaryPrimitives.ReadInt32BigEndian(data);
        return ExecLimits.IsAllowedSignal(signal) ? signal : null;
    }

    public static byte[] Header(byte type, int length)
    {
        byte[] header = new byte[HeaderLength];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }
}

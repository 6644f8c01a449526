using System.Globalization;
using System.Text.Json;
using Incus.Sdk.Helpers;

namespace Incus.Daemon.Exec;

/// <summary>
/// One message on an exec's control websocket, as Incus documents them:
/// <c>{"command":"window-resize","args":{"width":"80","height":"24"}}</c> and
/// <c>{"command":"signal","signal":15}</c>. Incus sends the sizes as strings; some third-party
/// clients send numbers, which are accepted too. Anything else, or any value outside
/// <see cref="ExecLimits"/>, is <see cref="ExecControlAction.Ignored"/> with the reason: a client's
/// mistake must not end the session, and Incus does not answer control messages either.
/// </summary>
public sealed record ExecControlMessage
{
    /// <summary>Larger control messages are not parsed; real ones are well under 200 bytes.</summary>
    public const int MaxLength = 4096;

    public ExecControlAction Action { get; private init; }
    public ushort Columns { get; private init; }
    public ushort Rows { get; private init; }
    public int Signal { get; private init; }

    /// <summary>Why the message was ignored; null when it is acted on.</summary>
    public string? Problem { get; private init; }

    public static ExecControlMessage Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Ignore($"control message of {utf8.Length} bytes is over {MaxLength}");
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return Ignore($"control message is not JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String)
            {
                return Ignore("control message has no \"command\"");
            }
            return command.GetString() switch
            {
                "window-resize" => WindowResize(root),
                "signal" => SignalOf(root),
                var other => Ignore($"unknown control command \"{Printable(other)}\""),
            };
        }
    }

    private static ExecControlMessage WindowResize(JsonElement root)
    {
        if (!root.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Object
            || Number(args, "width") is not long width || Number(args, "height") is not long height)
        {
            return Ignore("window-resize needs numeric args.width and args.height");
        }
        if (!ExecLimits.IsValidWindowSize(width, height))
        {
            return Ignore($"window size {width}x{height} is outside 1-{ExecLimits.MaxWindowDimension}");
        }
        return new ExecControlMessage { Action = ExecControlAction.WindowResize, Columns = (ushort)width, Rows = (ushort)height };
    }

    private static ExecControlMessage SignalOf(JsonElement root)
    {
        if (!root.TryGetProperty("signal", out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long signal))
        {
            return Ignore("signal needs a numeric \"signal\"");
        }
        if (!ExecLimits.IsAllowedSignal(signal))
        {
            return Ignore($"signal {signal} is not allowed");
        }
        return new ExecControlMessage { Action = ExecControlAction.Signal, Signal = (int)signal };
    }

    private static long? Number(JsonElement args, string name)
    {
        if (!args.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out long number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) => number,
            _ => null,
        };
    }

    private static ExecControlMessage Ignore(string problem) => new() { Action = ExecControlAction.Ignored, Problem = problem };

    private static string Printable(string? value) =>
        value is null ? "" : new string(value.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

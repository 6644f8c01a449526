using System.Buffers;
using System.Text.Json;
using Incus.HelperProtocol;
using Incus.Platform;

namespace Incus.Helpers;

/// <summary>
/// Append-only record of every privileged request: who asked, what, with which arguments, and how
/// it ended. An intent line is written before acting; if that write fails the action is refused.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly AppendOnlyFile _file;
    private readonly string _helper;
    private readonly Lock _gate = new();

    // Property names as declared, as in every record written so far; only the RPC connection is camelCase.
    private static readonly JsonSerializerOptions ArgumentOptions = new() { TypeInfoResolver = HelperJsonContext.Default };

    public AuditLog(string path, string helper)
    {
        _helper = helper;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new AppendOnlyFile(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Record(PeerCredentials? caller, string operation, object? arguments, string outcome, string? error = null)
    {
        byte[] line = Format(DateTimeOffset.UtcNow, caller, operation, arguments, outcome, error);
        lock (_gate)
        {
            // One write per record, on an O_APPEND descriptor, so concurrent helpers never interleave lines.
            // The record is in the kernel before the action runs, so it survives a helper crash; it is not
            // fsynced, which would cost two disk flushes per privileged call.
            _file.Write(line);
        }
    }

    /// <summary>
    /// One record as a JSON line. Written member by member because the arguments are of many types and
    /// the helper has no reflection to find them: their metadata comes from <see cref="HelperJsonContext"/>,
    /// and an argument type missing there throws, which refuses the action rather than leaving it unrecorded.
    /// </summary>
    private byte[] Format(DateTimeOffset time, PeerCredentials? caller, string operation, object? arguments, string outcome, string? error)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", time.ToString("O"));
            writer.WriteString("helper", _helper);
            WriteNumberOrNull(writer, "caller_pid", caller?.Pid);
            WriteNumberOrNull(writer, "caller_uid", caller?.Uid);
            writer.WriteString("operation", operation);
            writer.WritePropertyName("arguments");
            if (arguments is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(writer, arguments, ArgumentOptions.GetTypeInfo(arguments.GetType()));
            }
            writer.WriteString("outcome", outcome);
            writer.WriteString("error", error);
            writer.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public void Dispose() => _file.Dispose();
}

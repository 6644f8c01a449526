using System.Text;
using System.Text.Json;
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

    public AuditLog(string path, string helper)
    {
        _helper = helper;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new AppendOnlyFile(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Record(PeerCredentials? caller, string operation, object? arguments, string outcome, string? error = null)
    {
        var entry = new Dictionary<string, object?>
        {
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["helper"] = _helper,
            ["caller_pid"] = caller?.Pid,
            ["caller_uid"] = caller?.Uid,
            ["operation"] = operation,
            ["arguments"] = arguments,
            ["outcome"] = outcome,
            ["error"] = error,
        };
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry) + "\n");
        lock (_gate)
        {
            // One write per record, on an O_APPEND descriptor, so concurrent helpers never interleave lines.
            // The record is in the kernel before the action runs, so it survives a helper crash; it is not
            // fsynced, which would cost two disk flushes per privileged call.
            _file.Write(line);
        }
    }

    public void Dispose() => _file.Dispose();
}

using System.Text.Json.Serialization;

namespace Incus.Daemon.Exec;

/// <summary>The body of <c>POST /1.0/instances/{name}/exec</c>.</summary>
public sealed class ExecRequest
{
    [JsonPropertyName("command")] public List<string>? Command { get; init; }
    [JsonPropertyName("environment")] public Dictionary<string, string>? Environment { get; init; }
    [JsonPropertyName("interactive")] public bool Interactive { get; init; }
    [JsonPropertyName("wait-for-websocket")] public bool WaitForWebsocket { get; init; }
    [JsonPropertyName("record-output")] public bool RecordOutput { get; init; }
    [JsonPropertyName("user")] public uint User { get; init; }
    [JsonPropertyName("group")] public uint Group { get; init; }
    [JsonPropertyName("cwd")] public string? Cwd { get; init; }
    [JsonPropertyName("width")] public long Width { get; init; }
    [JsonPropertyName("height")] public long Height { get; init; }
}

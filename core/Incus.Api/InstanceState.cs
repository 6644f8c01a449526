using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary><c>GET /1.0/instances/{name}/state</c>.</summary>
public sealed class InstanceState
{
    [JsonPropertyName("status")] public string Status { get; init; } = "Stopped";
    [JsonPropertyName("status_code")] public int StatusCode { get; init; } = 102;
    [JsonPropertyName("pid")] public long Pid { get; init; }
    [JsonPropertyName("processes")] public long Processes { get; init; }
    [JsonPropertyName("network")] public Dictionary<string, InstanceNetworkState>? Network { get; init; }
}

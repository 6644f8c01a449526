using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of <c>PUT /1.0/instances/{name}/state</c>.</summary>
public sealed class InstanceStatePut
{
    [JsonPropertyName("action")] public string? Action { get; init; }
    [JsonPropertyName("timeout")] public int Timeout { get; init; } = -1;
    [JsonPropertyName("force")] public bool Force { get; init; }
    [JsonPropertyName("stateful")] public bool Stateful { get; init; }
}

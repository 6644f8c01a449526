using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of <c>POST /1.0/instances</c>.</summary>
public sealed class InstancesPost
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("source")] public InstanceSource? Source { get; init; }
    [JsonPropertyName("profiles")] public List<string>? Profiles { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
    [JsonPropertyName("devices")] public Dictionary<string, Dictionary<string, string>>? Devices { get; init; }
    [JsonPropertyName("ephemeral")] public bool Ephemeral { get; init; }
    [JsonPropertyName("start")] public bool Start { get; init; }
}

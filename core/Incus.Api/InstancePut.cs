using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of an instance (PUT replaces, PATCH merges).</summary>
public sealed class InstancePut
{
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
    [JsonPropertyName("devices")] public Dictionary<string, Dictionary<string, string>>? Devices { get; init; }
    [JsonPropertyName("ephemeral")] public bool? Ephemeral { get; init; }
    [JsonPropertyName("profiles")] public List<string>? Profiles { get; init; }
    [JsonPropertyName("stateful")] public bool? Stateful { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A plugin folder the daemon found, and whether it loaded.</summary>
public sealed class PluginStatus
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    [JsonPropertyName("sdk")] public string Sdk { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
    [JsonPropertyName("drivers")] public IReadOnlyList<string> Drivers { get; init; } = [];
}

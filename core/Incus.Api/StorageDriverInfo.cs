using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>One entry of <c>environment.storage_supported_drivers</c>.</summary>
public sealed class StorageDriverInfo
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    [JsonPropertyName("remote")] public bool Remote { get; init; }
}

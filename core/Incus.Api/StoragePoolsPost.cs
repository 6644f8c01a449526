using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of <c>POST /1.0/storage-pools</c>.</summary>
public sealed class StoragePoolsPost
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("driver")] public string? Driver { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
}

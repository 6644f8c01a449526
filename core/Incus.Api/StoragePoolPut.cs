using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of a storage pool (PUT replaces, PATCH merges).</summary>
public sealed class StoragePoolPut
{
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
}

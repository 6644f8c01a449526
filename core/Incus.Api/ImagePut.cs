using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of an image (PUT replaces, PATCH merges).</summary>
public sealed class ImagePut
{
    [JsonPropertyName("public")] public bool? Public { get; init; }
    [JsonPropertyName("auto_update")] public bool? AutoUpdate { get; init; }
    [JsonPropertyName("properties")] public Dictionary<string, string>? Properties { get; init; }
    [JsonPropertyName("profiles")] public List<string>? Profiles { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset? ExpiresAt { get; init; }
}

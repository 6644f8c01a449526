using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>An image in the image store, as <c>GET /1.0/images/{fingerprint}</c> shows it.</summary>
public sealed class Image
{
    [JsonPropertyName("aliases")] public IReadOnlyList<ImageAlias> Aliases { get; init; } = [];
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("auto_update")] public bool AutoUpdate { get; init; }
    [JsonPropertyName("cached")] public bool Cached { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset ExpiresAt { get; init; }
    [JsonPropertyName("filename")] public string Filename { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("last_used_at")] public DateTimeOffset LastUsedAt { get; init; }
    [JsonPropertyName("profiles")] public IReadOnlyList<string> Profiles { get; init; } = ["default"];
    [JsonPropertyName("properties")] public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("public")] public bool Public { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("type")] public string Type { get; init; } = "container";
    [JsonPropertyName("uploaded_at")] public DateTimeOffset UploadedAt { get; init; }
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
}

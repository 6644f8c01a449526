using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>An alias as listed inside an image.</summary>
public sealed class ImageAlias
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
}

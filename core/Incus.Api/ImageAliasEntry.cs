using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>An alias as <c>/1.0/images/aliases/{name}</c> shows it.</summary>
public sealed class ImageAliasEntry
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("target")] public string Target { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "container";
}

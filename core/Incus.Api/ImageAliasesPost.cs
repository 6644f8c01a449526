using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of <c>POST /1.0/images/aliases</c>.</summary>
public sealed class ImageAliasesPost
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("target")] public string? Target { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
}

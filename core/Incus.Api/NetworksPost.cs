using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of <c>POST /1.0/networks</c>.</summary>
public sealed class NetworksPost
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
}

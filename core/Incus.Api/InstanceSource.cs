using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>Where a new instance comes from; only local images are supported.</summary>
public sealed class InstanceSource
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("alias")] public string? Alias { get; init; }
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }
    [JsonPropertyName("server")] public string? Server { get; init; }
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of a network (<c>PUT</c>/<c>PATCH /1.0/networks/{name}</c>).</summary>
public sealed class NetworkPut
{
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
}

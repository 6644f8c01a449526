using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of a profile (PUT replaces, PATCH merges), and with a name the body of POST /1.0/profiles.</summary>
public sealed class ProfilePut
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("config")] public Dictionary<string, string>? Config { get; init; }
    [JsonPropertyName("devices")] public Dictionary<string, Dictionary<string, string>>? Devices { get; init; }
}

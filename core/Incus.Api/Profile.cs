using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A profile, as <c>GET /1.0/profiles/{name}</c> shows it.</summary>
public sealed class Profile
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("config")] public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("devices")] public IReadOnlyDictionary<string, Dictionary<string, string>> Devices { get; init; } = new Dictionary<string, Dictionary<string, string>>();
    [JsonPropertyName("used_by")] public IReadOnlyList<string> UsedBy { get; init; } = [];
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
}

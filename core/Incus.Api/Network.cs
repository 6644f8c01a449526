using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A network, as <c>GET /1.0/networks/{name}</c> shows it.</summary>
public sealed class Network
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("managed")] public bool Managed { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("config")] public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("used_by")] public IReadOnlyList<string> UsedBy { get; init; } = [];
    [JsonPropertyName("locations")] public IReadOnlyList<string> Locations { get; init; } = ["none"];
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
}

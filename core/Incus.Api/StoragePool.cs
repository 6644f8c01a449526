using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A storage pool, as <c>GET /1.0/storage-pools/{name}</c> shows it.</summary>
public sealed class StoragePool
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("driver")] public string Driver { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("config")] public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("status")] public string Status { get; init; } = "Created";
    [JsonPropertyName("used_by")] public IReadOnlyList<string> UsedBy { get; init; } = [];
    [JsonPropertyName("locations")] public IReadOnlyList<string> Locations { get; init; } = ["none"];
}

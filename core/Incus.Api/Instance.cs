using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>An instance, as <c>GET /1.0/instances/{name}</c> shows it.</summary>
public sealed class Instance
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "Stopped";
    [JsonPropertyName("status_code")] public int StatusCode { get; init; } = 102;
    [JsonPropertyName("type")] public string Type { get; init; } = "container";
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("config")] public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("devices")] public IReadOnlyDictionary<string, Dictionary<string, string>> Devices { get; init; } = new Dictionary<string, Dictionary<string, string>>();
    [JsonPropertyName("expanded_config")] public IReadOnlyDictionary<string, string> ExpandedConfig { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("expanded_devices")] public IReadOnlyDictionary<string, Dictionary<string, string>> ExpandedDevices { get; init; } = new Dictionary<string, Dictionary<string, string>>();
    [JsonPropertyName("profiles")] public IReadOnlyList<string> Profiles { get; init; } = [];
    [JsonPropertyName("ephemeral")] public bool Ephemeral { get; init; }
    [JsonPropertyName("stateful")] public bool Stateful { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("last_used_at")] public DateTimeOffset LastUsedAt { get; init; }
    [JsonPropertyName("location")] public string Location { get; init; } = "none";
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
    [JsonPropertyName("state")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstanceState? State { get; init; }
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>One entry of <c>GET /1.0/networks/{name}/leases</c>.</summary>
public sealed class NetworkLease
{
    [JsonPropertyName("hostname")] public string Hostname { get; init; } = "";
    [JsonPropertyName("hwaddr")] public string HwAddr { get; init; } = "";
    [JsonPropertyName("address")] public string Address { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("location")] public string Location { get; init; } = "none";
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>One interface in <c>state.network</c> of an instance.</summary>
public sealed class InstanceNetworkState
{
    [JsonPropertyName("addresses")] public IReadOnlyList<InstanceNetworkAddress> Addresses { get; init; } = [];
    [JsonPropertyName("counters")] public InstanceNetworkCounters Counters { get; init; } = new();
    [JsonPropertyName("hwaddr")] public string HwAddr { get; init; } = "";
    [JsonPropertyName("host_name")] public string HostName { get; init; } = "";
    [JsonPropertyName("mtu")] public int Mtu { get; init; }
    [JsonPropertyName("state")] public string State { get; init; } = "up";
    [JsonPropertyName("type")] public string Type { get; init; } = "broadcast";
}

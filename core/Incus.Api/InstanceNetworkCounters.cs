using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>Traffic counters of an instance interface.</summary>
public sealed class InstanceNetworkCounters
{
    [JsonPropertyName("bytes_received")] public long BytesReceived { get; init; }
    [JsonPropertyName("bytes_sent")] public long BytesSent { get; init; }
    [JsonPropertyName("packets_received")] public long PacketsReceived { get; init; }
    [JsonPropertyName("packets_sent")] public long PacketsSent { get; init; }
}

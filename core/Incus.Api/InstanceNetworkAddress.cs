using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>An address of an instance interface; <c>netmask</c> is the prefix length, as in Incus.</summary>
public sealed class InstanceNetworkAddress
{
    [JsonPropertyName("family")] public string Family { get; init; } = "";
    [JsonPropertyName("address")] public string Address { get; init; } = "";
    [JsonPropertyName("netmask")] public string Netmask { get; init; } = "";
    [JsonPropertyName("scope")] public string Scope { get; init; } = "";
}

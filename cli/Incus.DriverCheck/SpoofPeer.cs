using System.Text.Json;

namespace Incus.DriverCheck;

/// <summary>
/// One "instance" of the spoof testbed: a veth pair on the bridge whose peer end sits in a network
/// namespace of its own, with fixed documentation-range addresses (RFC 5737, RFC 3849, RFC 7042).
/// </summary>
/// <param name="HostName">The host-side veth, the port a NIC filter is keyed on.</param>
public sealed record SpoofPeer(string Role, string HostName, string PeerName, string Mac, string Ipv4, string Ipv6)
{
    /// <summary>The names a frame expression uses for this peer (<c>a['mac']</c>, <c>b['ip4']</c>, …).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, string> { ["mac"] = Mac, ["ip4"] = Ipv4, ["ip6"] = Ipv6 });
}

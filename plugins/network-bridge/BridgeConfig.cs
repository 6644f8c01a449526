using System.Net;
using System.Net.Sockets;

namespace Incus.Plugins.NetworkBridge;

/// <summary>A bridge network's stored config, read into what the driver acts on.</summary>
public sealed record BridgeConfig
{
    public required string Name { get; init; }
    public (IPAddress Address, int Prefix)? Ipv4 { get; init; }
    public (IPAddress Address, int Prefix)? Ipv6 { get; init; }
    public bool Ipv4Nat { get; init; }
    public bool Ipv6Nat { get; init; }
    public bool Ipv4Dhcp { get; init; }
    public bool Ipv6Dhcp { get; init; }
    public bool Ipv6DhcpStateful { get; init; }
    public bool Ipv4Routing { get; init; }
    public bool Ipv6Routing { get; init; }
    public bool Ipv4Firewall { get; init; }
    public bool Ipv6Firewall { get; init; }
    public required IReadOnlyList<string> Ipv4DhcpRanges { get; init; }
    public required string DnsMode { get; init; }
    public required string DnsDomain { get; init; }
    public string? HwAddr { get; init; }
    public int? Mtu { get; init; }

    /// <summary>dnsmasq is needed when the bridge has an address and serves DNS, DHCP or RAs.</summary>
    public bool UsesDnsmasq => (Ipv4 is not null || Ipv6 is not null) && (DnsMode != "none" || (Ipv4 is not null && Ipv4Dhcp) || Ipv6 is not null);

    public static BridgeConfig Read(string name, IReadOnlyDictionary<string, string> config)
    {
        (IPAddress, int)? Address(string key, AddressFamily family) =>
            config.TryGetValue(key, out string? value) && ConfigValues.TryParseCidr(value, family, out var address, out int prefix) ? (address, prefix) : null;
        var ipv4 = Address("ipv4.address", AddressFamily.InterNetwork);
        var ranges = new List<string>();
        if (ipv4 is var (v4, v4Prefix))
        {
            if (config.GetValueOrDefault("ipv4.dhcp.ranges") is { Length: > 0 } configured)
            {
                ranges.AddRange(configured.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                // As Incus: from the subnet's second address to the one before the last.
                var network = ConfigValues.Network(v4, v4Prefix);
                ranges.Add($"{ConfigValues.Offset(network, 2)}-{ConfigValues.Offset(ConfigValues.Last(v4, v4Prefix), -1)}");
            }
        }
        return new BridgeConfig
        {
            Name = name,
            Ipv4 = ipv4,
            Ipv6 = Address("ipv6.address", AddressFamily.InterNetworkV6),
            Ipv4Nat = ConfigValues.Flag(config, "ipv4.nat", false),
            Ipv6Nat = ConfigValues.Flag(config, "ipv6.nat", false),
            Ipv4Dhcp = ConfigValues.Flag(config, "ipv4.dhcp", true),
            Ipv6Dhcp = ConfigValues.Flag(config, "ipv6.dhcp", true),
            Ipv6DhcpStateful = ConfigValues.Flag(config, "ipv6.dhcp.stateful", false),
            Ipv4Routing = ConfigValues.Flag(config, "ipv4.routing", true),
            Ipv6Routing = ConfigValues.Flag(config, "ipv6.routing", true),
            Ipv4Firewall = ConfigValues.Flag(config, "ipv4.firewall", true),
            Ipv6Firewall = ConfigValues.Flag(config, "ipv6.firewall", true),
            Ipv4DhcpRanges = ranges,
            DnsMode = config.GetValueOrDefault("dns.mode") is { Length: > 0 } mode ? mode : "managed",
            DnsDomain = config.GetValueOrDefault("dns.domain") is { Length: > 0 } domain ? domain : "incus",
            HwAddr = config.GetValueOrDefault("bridge.hwaddr") is { Length: > 0 } mac ? mac.ToLowerInvariant() : null,
            Mtu = config.GetValueOrDefault("bridge.mtu") is { Length: > 0 } mtu ? int.Parse(mtu, System.Globalization.CultureInfo.InvariantCulture) : null,
        };
    }
}

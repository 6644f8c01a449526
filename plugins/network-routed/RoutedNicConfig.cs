using System.Globalization;
using System.Net;

namespace Incus.Plugins.NetworkRouted;

/// <summary>A routed NIC's device config, read into what the driver acts on (after validation).</summary>
public sealed record RoutedNicConfig
{
    /// <summary>The host-side address of the veth for IPv4, the instance's gateway (as Incus).</summary>
    public const string Ipv4HostAddress = "169.254.0.1";

    /// <summary>The host-side address of the veth for IPv6, the instance's gateway (as Incus).</summary>
    public const string Ipv6HostAddress = "fe80::1";

    /// <summary>The main routing table, where routes go unless <c>ipvN.host_table</c> adds another.</summary>
    public const int MainTable = 254;

    public string? Parent { get; init; }
    public int? Vlan { get; init; }
    public int? Mtu { get; init; }
    public required IReadOnlyList<IPAddress> Ipv4Addresses { get; init; }
    public required IReadOnlyList<IPAddress> Ipv6Addresses { get; init; }
    public required IReadOnlyList<string> Ipv4Routes { get; init; }
    public required IReadOnlyList<string> Ipv6Routes { get; init; }
    public bool Ipv4GatewayAuto { get; init; }
    public bool Ipv6GatewayAuto { get; init; }
    public required IReadOnlyList<int> Ipv4Tables { get; init; }
    public required IReadOnlyList<int> Ipv6Tables { get; init; }
    public bool Ipv4NeighborProbe { get; init; }
    public bool Ipv6NeighborProbe { get; init; }

    /// <summary>The interface the addresses are proxied and probed on: <c>parent</c>, or <c>parent.vlan</c>.</summary>
    public string? EffectiveParent => Parent is null ? null : Vlan is int vlan ? $"{Parent}.{vlan.ToString(CultureInfo.InvariantCulture)}" : Parent;

    public static RoutedNicConfig Read(IReadOnlyDictionary<string, string> config) => new()
    {
        Parent = config.GetValueOrDefault("parent") is { Length: > 0 } parent ? parent : null,
        Vlan = Number(config, "vlan"),
        Mtu = Number(config, "mtu"),
        Ipv4Addresses = List(config, "ipv4.address").Select(IPAddress.Parse).ToList(),
        Ipv6Addresses = List(config, "ipv6.address").Select(IPAddress.Parse).ToList(),
        Ipv4Routes = List(config, "ipv4.routes"),
        Ipv6Routes = List(config, "ipv6.routes"),
        Ipv4GatewayAuto = config.GetValueOrDefault("ipv4.gateway") is null or "" or "auto",
        Ipv6GatewayAuto = config.GetValueOrDefault("ipv6.gateway") is null or "" or "auto",
        Ipv4Tables = Tables(Number(config, "ipv4.host_table")),
        Ipv6Tables = Tables(Number(config, "ipv6.host_table")),
        Ipv4NeighborProbe = Flag(config, "ipv4.neighbor_probe"),
        Ipv6NeighborProbe = Flag(config, "ipv6.neighbor_probe"),
    };

    /// <summary>A comma-separated list, trimmed, without empty entries.</summary>
    public static List<string> List(IReadOnlyDictionary<string, string> config, string key) =>
        config.GetValueOrDefault(key) is { Length: > 0 } value
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            : [];

    /// <summary>As Incus reads the legacy <c>host_table=T</c>: the routes go to T and to the main table.</summary>
    private static List<int> Tables(int? table) => table is int t && t != MainTable ? [t, MainTable] : [MainTable];

    private static int? Number(IReadOnlyDictionary<string, string> config, string key) =>
        config.GetValueOrDefault(key) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    private static bool Flag(IReadOnlyDictionary<string, string> config, string key) =>
        config.GetValueOrDefault(key) is not { Length: > 0 } value || value.ToLowerInvariant() is "true" or "1" or "yes" or "on";
}

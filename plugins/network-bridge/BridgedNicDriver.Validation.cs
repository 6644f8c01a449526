using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Incus.Plugins.NetworkBridge;

/// <summary>The keys a bridged NIC accepts, and the checks on their values and against the network.</summary>
public sealed partial class BridgedNicDriver
{
    private static readonly HashSet<string> Keys =
    [
        "type", "nictype", "network", "parent", "name", "hwaddr", "mtu", "host_name", "ipv4.address", "ipv6.address",
        "ipv4.routes", "ipv4.routes.external", "ipv6.routes", "ipv6.routes.external",
        MacFilteringKey, Ipv4FilteringKey, Ipv6FilteringKey,
    ];

    /// <summary>
    /// The most routes of one family (with <c>.external</c>). Each is an allowed source in the NIC's filter,
    /// which is installed in one transaction and so must fit one helper request (1 MiB, about 2 KiB of
    /// rules per route); past this the change is refused here rather than failing in the helper.
    /// </summary>
    public const int MaxRoutesPerFamily = 256;

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!Keys.Contains(key))
            {
                return $"Invalid device option \"{key}\": unknown key for a bridged NIC";
            }
            string? problem = key switch
            {
                "name" or "host_name" or "parent" or "network" => value.Length is >= 1 and <= 15 && value is not ("." or "..") && value[0] != '-'
                    && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? null : "not a valid interface name",
                "hwaddr" => value.Length == 17 && PhysicalAddress.TryParse(value, out var mac) && (mac.GetAddressBytes()[0] & 1) == 0 && mac.GetAddressBytes().Any(b => b != 0)
                    ? null : "not a unicast MAC address",
                "mtu" => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int mtu) && mtu is >= 1280 and <= 9000
                    ? null : "not an MTU between 1280 and 9000",
                "ipv4.address" => value == "none" || (IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && !value.Contains('/'))
                    ? null : "not an IPv4 address or none",
                "ipv6.address" => value == "none" || (IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !value.Contains('/') && !value.Contains('%'))
                    ? null : "not an IPv6 address or none",
                "ipv4.routes" or "ipv4.routes.external" => Routes(value, AddressFamily.InterNetwork) ? null : "not a comma-separated list of IPv4 CIDRs",
                "ipv6.routes" or "ipv6.routes.external" => Routes(value, AddressFamily.InterNetworkV6) ? null : "not a comma-separated list of IPv6 CIDRs",
                MacFilteringKey or Ipv4FilteringKey or Ipv6FilteringKey => value.Length == 0 || ConfigValues.IsBool(value) ? null : "not a boolean",
                _ => null,
            };
            if (problem is not null)
            {
                return $"Invalid value for device option \"{key}\": \"{value}\" is {problem}";
            }
        }
        foreach (string family in new[] { "ipv4", "ipv6" })
        {
            int routes = new[] { $"{family}.routes", $"{family}.routes.external" }
                .Sum(key => config.GetValueOrDefault(key) is { Length: > 0 } list ? list.Split(',').Length : 0);
            if (routes > MaxRoutesPerFamily)
            {
                return $"Invalid device option \"{family}.routes\": {routes} routes with {family}.routes.external; at most {MaxRoutesPerFamily} per family are supported";
            }
        }
        bool hasNetwork = config.ContainsKey("network");
        bool hasParent = config.ContainsKey("parent");
        if (hasNetwork && hasParent)
        {
            return "Invalid device option \"parent\": cannot be used together with \"network\"";
        }
        if (!hasNetwork && !hasParent)
        {
            return "Invalid device: a bridged NIC needs \"network\" or \"parent\"";
        }
        foreach (var (family, filterKey) in new[] { ("ipv4", Ipv4FilteringKey), ("ipv6", Ipv6FilteringKey) })
        {
            if (config.GetValueOrDefault($"{family}.address") == "none" && !ConfigValues.Flag(config, filterKey, false))
            {
                return $"Invalid device option \"{family}.address\": \"none\" needs {filterKey}=true (it means: block all {(family == "ipv4" ? "IPv4" : "IPv6")} from the instance)";
            }
        }
        return null;
    }

    /// <summary>The device config against its network: a filter must have an address to allow, or a way to reserve one.</summary>
    public string? ValidateConfig(IReadOnlyDictionary<string, string> config, IReadOnlyDictionary<string, string> networkConfig)
    {
        ArgumentNullException.ThrowIfNull(networkConfig);
        if (ValidateConfig(config) is { } problem)
        {
            return problem;
        }
        var bridge = BridgeConfig.Read(config.GetValueOrDefault("network") ?? config.GetValueOrDefault("parent") ?? "", networkConfig);
        if (ConfigValues.Flag(config, Ipv4FilteringKey, false) && !config.ContainsKey("ipv4.address") && (bridge.Ipv4 is null || !bridge.Ipv4Dhcp))
        {
            return $"Invalid device option \"{Ipv4FilteringKey}\": set \"ipv4.address\" (an address, or none to block IPv4): network \"{bridge.Name}\" has no DHCPv4 to reserve one from";
        }
        if (ConfigValues.Flag(config, Ipv6FilteringKey, false) && !config.ContainsKey("ipv6.address") && bridge.Ipv6 is null)
        {
            return $"Invalid device option \"{Ipv6FilteringKey}\": set \"ipv6.address\" (an address, or none to block IPv6): network \"{bridge.Name}\" has no IPv6 subnet to reserve one from";
        }
        foreach (var (key, subnet) in new[] { ("ipv4.address", bridge.Ipv4), ("ipv6.address", bridge.Ipv6) })
        {
            if (config.GetValueOrDefault(key) is { } text && text != "none" && subnet is var (address, _) && IPAddress.Parse(text).Equals(address))
            {
                return $"Invalid device option \"{key}\": {text} is the address of network \"{bridge.Name}\" itself";
            }
        }
        return null;
    }

    /// <summary>
    /// A NIC on a host bridge the daemon does not manage (Incus's rules): there is no DHCP to reserve
    /// an address from and no dnsmasq to hand one out, so a filtered family needs <c>ipvN.address</c>
    /// (an address, or <c>none</c> to block it), and without the filter an address would be configured
    /// nowhere and is refused.
    /// </summary>
    public string? ValidateUnmanagedParent(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (ValidateConfig(config) is { } problem)
        {
            return problem;
        }
        if (!config.ContainsKey("parent"))
        {
            return "Invalid device: a bridged NIC on an unmanaged bridge needs \"parent\"";
        }
        foreach (var (family, filterKey, name) in new[] { ("ipv4", Ipv4FilteringKey, "IPv4"), ("ipv6", Ipv6FilteringKey, "IPv6") })
        {
            bool filtered = ConfigValues.Flag(config, filterKey, false);
            bool hasAddress = config.GetValueOrDefault($"{family}.address") is { Length: > 0 };
            if (filtered && !hasAddress)
            {
                return $"{name} filtering requires a manually specified {family}.address when using an unmanaged parent bridge";
            }
            if (!filtered && hasAddress)
            {
                return $"Cannot use manually specified {family}.address when using unmanaged parent bridge";
            }
        }
        return null;
    }

    private static bool Routes(string value, AddressFamily family) =>
        value.Length > 0 && value.Split(',', StringSplitOptions.TrimEntries).All(r => ConfigValues.TryParseCidr(r, family, out _, out _));
}

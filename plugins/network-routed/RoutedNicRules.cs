using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Incus.Plugins.NetworkRouted;

/// <summary>The keys a routed NIC accepts, and the checks on their values.</summary>
public static class RoutedNicRules
{
    private static readonly HashSet<string> Keys =
    [
        "type", "nictype", "parent", "name", "hwaddr", "mtu", "host_name", "vlan",
        "ipv4.address", "ipv6.address", "ipv4.gateway", "ipv6.gateway", "ipv4.routes", "ipv6.routes",
        "ipv4.host_table", "ipv6.host_table", "ipv4.neighbor_probe", "ipv6.neighbor_probe",
    ];

    private static readonly HashSet<string> Booleans = ["true", "false", "1", "0", "yes", "no", "on", "off"];

    /// <summary>Null when the config is acceptable; otherwise the message naming the first bad key.</summary>
    public static string? Validate(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!Keys.Contains(key))
            {
                return $"Invalid device option \"{key}\": unknown key for a routed NIC";
            }
            if (Check(key, value) is { } problem)
            {
                return $"Invalid value for device option \"{key}\": \"{value}\" is {problem}";
            }
        }
        foreach (string family in new[] { "ipv4", "ipv6" })
        {
            if (RoutedNicConfig.List(config, $"{family}.routes").Count > 0 && RoutedNicConfig.List(config, $"{family}.address").Count == 0)
            {
                return $"Invalid device option \"{family}.routes\": it requires \"{family}.address\" (the routes go via the first one)";
            }
        }
        if (config.ContainsKey("vlan"))
        {
            if (config.GetValueOrDefault("parent") is not { Length: > 0 } parent)
            {
                return "Invalid device option \"vlan\": it requires \"parent\"";
            }
            if (parent.Length + 1 + config["vlan"].Length > 15)
            {
                return $"Invalid device option \"vlan\": the VLAN interface \"{parent}.{config["vlan"]}\" would be longer than 15 bytes";
            }
        }
        return null;
    }

    private static string? Check(string key, string value) => key switch
    {
        "type" => value == "nic" ? null : "not nic",
        "nictype" => value == "routed" ? null : "not routed",
        "name" or "host_name" or "parent" => IsInterfaceName(value) ? null : "not a valid interface name",
        "hwaddr" => value.Length == 17 && PhysicalAddress.TryParse(value, out var mac) && (mac.GetAddressBytes()[0] & 1) == 0 && mac.GetAddressBytes().Any(b => b != 0)
            ? null : "not a unicast MAC address",
        "mtu" => Integer(value, 1280, 9000) ? null : "not an MTU between 1280 and 9000",
        "vlan" => Integer(value, 1, 4094) ? null : "not a VLAN id between 1 and 4094",
        "ipv4.address" => Addresses(value, AddressFamily.InterNetwork),
        "ipv6.address" => Addresses(value, AddressFamily.InterNetworkV6),
        "ipv4.gateway" or "ipv6.gateway" => value is "auto" or "none" or "" ? null : "not auto or none",
        "ipv4.routes" => Routes(value, AddressFamily.InterNetwork),
        "ipv6.routes" => Routes(value, AddressFamily.InterNetworkV6),
        "ipv4.host_table" or "ipv6.host_table" => Integer(value, 1, 254) ? null : "not a routing table between 1 and 254",
        "ipv4.neighbor_probe" or "ipv6.neighbor_probe" => Booleans.Contains(value.ToLowerInvariant()) ? null : "not a boolean",
        _ => null,
    };

    private static string? Addresses(string value, AddressFamily family)
    {
        if (value.Length == 0)
        {
            return null;
        }
        string kind = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        var seen = new HashSet<IPAddress>();
        foreach (string entry in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) || entry.Contains('%', StringComparison.Ordinal)
                || !IPAddress.TryParse(entry, out var address) || address.AddressFamily != family)
            {
                return $"not a comma-separated list of plain {kind} addresses";
            }
            if (!IsInstanceAddress(address))
            {
                return $"not usable: {address} is not a unicast address an instance may be given";
            }
            if (!seen.Add(address))
            {
                return $"not usable: {address} is listed twice";
            }
        }
        return null;
    }

    private static string? Routes(string value, AddressFamily family)
    {
        if (value.Length == 0)
        {
            return null;
        }
        int shortest = family == AddressFamily.InterNetwork ? 8 : 16;
        foreach (string entry in value.Split(',', StringSplitOptions.TrimEntries))
        {
            int slash = entry.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !IPAddress.TryParse(entry.AsSpan(0, slash), out var address) || address.AddressFamily != family
                || !int.TryParse(entry.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
                || prefix > (family == AddressFamily.InterNetwork ? 32 : 128) || entry.Contains('%', StringComparison.Ordinal))
            {
                return $"not a comma-separated list of {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} networks in CIDR form";
            }
            if (prefix < shortest)
            {
                return $"not usable: /{prefix} is wider than a routed NIC may take (at most /{shortest})";
            }
        }
        return null;
    }

    /// <summary>Unicast and global enough to be routed to an instance: no loopback, link-local, multicast or reserved address.</summary>
    public static bool IsInstanceAddress(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return false;
        }
        byte[] bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? bytes[0] != 0 && !(bytes[0] == 169 && bytes[1] == 254) && bytes[0] < 224
            : !address.IsIPv6LinkLocal && !address.IsIPv6Multicast && !address.IsIPv6SiteLocal && !address.IsIPv4MappedToIPv6 && bytes.Any(b => b != 0);
    }

    private static bool IsInterfaceName(string value) =>
        value.Length is >= 1 and <= 15 && value is not ("." or "..") && value[0] != '-' && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static bool Integer(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= min && number <= max;
}

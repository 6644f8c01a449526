using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Incus.Plugins.NetworkBridge;

/// <summary>The keys a bridge network accepts, and the checks on their values.</summary>
public static class BridgeConfigRules
{
    private static readonly HashSet<string> Flags =
    [
        "ipv4.nat", "ipv4.dhcp", "ipv6.nat", "ipv6.dhcp", "ipv6.dhcp.stateful", "ipv4.routing", "ipv6.routing", "ipv4.firewall", "ipv6.firewall",
    ];

    /// <summary>Null when the config is acceptable; otherwise the message naming the first bad key.</summary>
    public static string? Validate(IReadOnlyDictionary<string, string> config)
    {
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (Check(key, value) is { } problem)
            {
                return $"Invalid value for network \"{key}\" option: {problem}";
            }
        }
        if (config.GetValueOrDefault("ipv4.dhcp.ranges") is { Length: > 0 } ranges
            && config.GetValueOrDefault("ipv4.address") is { } v4 && ConfigValues.TryParseCidr(v4, AddressFamily.InterNetwork, out var address, out int prefix))
        {
            foreach (string range in ranges.Split(',', StringSplitOptions.TrimEntries))
            {
                string[] ends = range.Split('-');
                if (ends.Length != 2 || !IPAddress.TryParse(ends[0], out var first) || !IPAddress.TryParse(ends[1], out var last)
                    || !ConfigValues.Contains(address, prefix, first) || !ConfigValues.Contains(address, prefix, last) || ConfigValues.Compare(first, last) > 0)
                {
                    return $"Invalid value for network \"ipv4.dhcp.ranges\" option: \"{range}\" is not a first-last range inside {ConfigValues.Network(address, prefix)}/{prefix}";
                }
            }
        }
        return null;
    }

    private static string? Check(string key, string value)
    {
        if (key.StartsWith("user.", StringComparison.Ordinal))
        {
            return null;
        }
        if (Flags.Contains(key))
        {
            return value.Length == 0 || ConfigValues.IsBool(value) ? null : $"\"{value}\" is not a boolean";
        }
        switch (key)
        {
            case "ipv4.address":
                return Address(value, AddressFamily.InterNetwork, 30);
            case "ipv6.address":
                return Address(value, AddressFamily.InterNetworkV6, 126);
            case "ipv4.dhcp.ranges":
                return value.Split(',', StringSplitOptions.TrimEntries).All(r => r.Split('-') is [var a, var b]
                    && IPAddress.TryParse(a, out var first) && first.AddressFamily == AddressFamily.InterNetwork
                    && IPAddress.TryParse(b, out var last) && last.AddressFamily == AddressFamily.InterNetwork)
                    ? null : $"\"{value}\" is not a comma-separated list of first-last IPv4 ranges";
            case "dns.mode":
                return value is "managed" or "dynamic" or "none" or "" ? null : $"\"{value}\" is not managed, dynamic or none";
            case "dns.domain":
                return value.Length == 0 || (value.Length <= 253 && value.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-'
                    && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))) ? null : $"\"{value}\" is not a DNS domain";
            case "bridge.hwaddr":
                return value.Length == 0 || (value.Length == 17 && PhysicalAddress.TryParse(value, out var mac) && (mac.GetAddressBytes()[0] & 1) == 0)
                    ? null : $"\"{value}\" is not a unicast MAC address";
            case "bridge.mtu":
                return value.Length == 0 || (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int mtu) && mtu is >= 1280 and <= 9000)
                    ? null : $"\"{value}\" is not an MTU between 1280 and 9000";
            default:
                return "unknown key for a bridge network";
        }
    }

    private static string? Address(string value, AddressFamily family, int longestPrefix)
    {
        if (value is "auto" or "none" or "")
        {
            return null;
        }
        if (!ConfigValues.TryParseCidr(value, family, out var address, out int prefix) || prefix > longestPrefix)
        {
            return $"\"{value}\" is not \"auto\", \"none\" or an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address with a prefix of at most /{longestPrefix}";
        }
        if (address.Equals(ConfigValues.Network(address, prefix)) || (family == AddressFamily.InterNetwork && address.Equals(ConfigValues.Last(address, prefix))))
        {
            return $"\"{value}\" is the subnet's network or broadcast address, not a host address";
        }
        return null;
    }
}

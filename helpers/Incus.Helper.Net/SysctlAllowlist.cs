namespace Incus.Helpers.Net;

/// <summary>The per-interface sysctls the net helper may write, and the values each may take.</summary>
public static class SysctlAllowlist
{
    private static readonly Dictionary<(string Family, string Key), string[]> Allowed = new()
    {
        [("ipv4", "forwarding")] = ["0", "1"],
        [("ipv4", "rp_filter")] = ["0", "1", "2"],
        [("ipv4", "proxy_arp")] = ["0", "1"],
        [("ipv6", "accept_ra")] = ["0", "1", "2"],
        [("ipv6", "forwarding")] = ["0", "1"],
        [("ipv6", "proxy_ndp")] = ["0", "1"],
        [("ipv6", "disable_ipv6")] = ["0", "1"],
        [("ipv6", "autoconf")] = ["0"],
        [("ipv6", "accept_dad")] = ["0", "1"],
    };

    /// <summary>Null when allowed; otherwise the refusal message.</summary>
    public static string? Check(string family, string key, string value)
    {
        if (!Allowed.TryGetValue((family, key), out var values))
        {
            return $"sysctl net/{RequestValidation.Printable(family)}/conf/<interface>/{RequestValidation.Printable(key)} is not on the allowlist";
        }
        return values.Contains(value, StringComparer.Ordinal)
            ? null
            : $"value \"{RequestValidation.Printable(value)}\" is not allowed for {family} {key} (allowed: {string.Join(", ", values)})";
    }
}

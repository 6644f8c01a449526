namespace Incus.Daemon.Server;

/// <summary>
/// The server config keys this daemon implements. A key is listed here only once something acts
/// on it; any other key is refused, so a user never sets a key that silently does nothing.
/// </summary>
public static class ServerConfigKeys
{
    /// <summary>Where the TLS listener listens; unset means local only.</summary>
    public const string HttpsAddress = "core.https_address";

    /// <summary>How long a trust token stays valid.</summary>
    public const string RemoteTokenExpiry = "core.remote_token_expiry";

    /// <summary>Which firewall driver to use (<c>auto</c>, <c>nftables</c> or <c>xtables</c>); read when the core starts.</summary>
    public const string FirewallDriver = "firewall.driver";

    /// <summary>The values of <see cref="FirewallDriver"/>.</summary>
    public static readonly string[] FirewallDrivers = ["auto", "nftables", "xtables"];

    /// <summary>Trust tokens expire after a day unless <see cref="RemoteTokenExpiry"/> says otherwise (Incus's never expire by default).</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromDays(1);

    /// <summary>Null when the key and value are acceptable; otherwise the error message.</summary>
    public static string? Validate(string key, string value)
    {
        if (key.StartsWith("user.", StringComparison.Ordinal) && key.Length > "user.".Length)
        {
            // Free-form user metadata, as in Incus.
            return value.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
                ? $"Invalid value for config key \"{key}\": control characters are not allowed"
                : null;
        }
        return key switch
        {
            HttpsAddress => Incus.Api.HttpsListenAddress.TryParse(value, out string? error) is null
                ? $"Invalid value for config key \"{key}\": {error}"
                : null,
            RemoteTokenExpiry => ExpiryDuration.TryParse(value) is null
                ? $"Invalid value for config key \"{key}\": expected a duration such as 30M, 12H or 1d 12H"
                : null,
            FirewallDriver => FirewallDrivers.Contains(value, StringComparer.Ordinal)
                ? null
                : $"Invalid value for config key \"{key}\": expected {string.Join(", ", FirewallDrivers)} (applied when the daemon restarts)",
            _ => $"Invalid config key \"{key}\": unknown key",
        };
    }
}

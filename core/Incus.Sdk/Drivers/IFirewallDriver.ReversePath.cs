using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>Reverse-path filtering for routed NICs.</summary>
public partial interface IFirewallDriver
{
    /// <summary>
    /// Drops packets arriving on <paramref name="hostName"/> whose source address the host would not
    /// route back out of that interface (both families; rp_filter covers only IPv4). Installed in one
    /// transaction; replacing an existing filter for the same interface is allowed.
    /// </summary>
    Task ApplyReversePathFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver does not implement reverse-path filtering");

    /// <summary>Removes the reverse-path filter of <paramref name="hostName"/>; a no-op when there is none.</summary>
    Task ClearReversePathFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver does not implement reverse-path filtering");
}

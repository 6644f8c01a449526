using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>
/// A firewall backend (nftables or xtables). It computes rule sets; the net helper installs them,
/// each change in one transaction.
/// </summary>
public partial interface IFirewallDriver : IDriver
{
    /// <summary>Order of preference when the firewall driver is <c>auto</c>; lower wins.</summary>
    int AutoPriority { get; }

    /// <summary>Whether the backend works on this host: creates and deletes a throwaway object.</summary>
    Task<bool> ProbeAsync(INetHelper helper, CancellationToken cancellationToken);

    /// <summary>Installs or replaces a bridge's network-level rules (DHCP/DNS/ICMP accepts, NAT, forwarding).</summary>
    Task ApplyNetworkAsync(NetworkFirewallSpec network, INetHelper helper, CancellationToken cancellationToken);

    /// <summary>Removes a bridge's network-level rules; a no-op when there are none.</summary>
    Task ClearNetworkAsync(string bridge, INetHelper helper, CancellationToken cancellationToken);
}

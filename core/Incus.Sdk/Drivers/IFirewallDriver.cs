using Incus.Sdk.Firewall;
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

    /// <summary>
    /// Installs or replaces one bridged NIC's filter (<see cref="NicFilterModel"/>) in a single
    /// transaction: there is no moment at which the NIC is unfiltered or half-filtered.
    /// </summary>
    Task ApplyNicFilterAsync(NicFilterSpec nic, INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver does not implement bridged NIC filtering");

    /// <summary>Removes exactly that NIC's filter; a no-op when there is none. Other NICs' rules are untouched.</summary>
    Task ClearNicFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver does not implement bridged NIC filtering");

    /// <summary>
    /// The host names among <paramref name="expected"/> whose filter is not installed (for example
    /// after an external <c>nft flush ruleset</c>). Meant to run often, so it must not list everything.
    /// </summary>
    Task<IReadOnlyList<string>> MissingNicFiltersAsync(IReadOnlyCollection<string> expected, INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver does not implement bridged NIC filtering");
}

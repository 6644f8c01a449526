namespace Incus.Sdk.Drivers;

/// <summary>
/// A firewall backend (nftables or xtables). It computes rule sets; the net helper installs them.
/// </summary>
public interface IFirewallDriver : IDriver
{
    /// <summary>Order of preference when the firewall driver is <c>auto</c>; lower wins.</summary>
    int AutoPriority { get; }
}

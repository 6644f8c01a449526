using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>What a firewall driver does when the daemon switches away from it.</summary>
public partial interface IFirewallDriver
{
    /// <summary>
    /// Removes every kernel object this driver ever installs (all networks, all NIC filters), so that
    /// another driver can take over; a no-op when there are none.
    /// </summary>
    Task RemoveEverythingAsync(INetHelper helper, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Name} firewall driver cannot remove its objects");
}

namespace Incus.Sdk.Drivers;

/// <summary>NIC types whose <c>parent</c> is a host interface rather than a managed network.</summary>
public partial interface INicDeviceDriver
{
    /// <summary>
    /// True when <c>parent</c> names a host interface the daemon does not manage (for example the uplink
    /// of a routed NIC). The core then passes it through as <see cref="NicContext.Parent"/> without
    /// looking for a managed network of that name, and the NIC is attached to no network.
    /// </summary>
    bool TakesHostParent => false;
}

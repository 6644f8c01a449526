using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>Addresses and gateways the runtime configures inside the container.</summary>
public sealed partial record NicAttachment
{
    /// <summary>Static addresses and gateways for the inside, or null to leave the inside unconfigured (DHCP, SLAAC).</summary>
    public ContainerNicAddresses? Addresses { get; init; }
}

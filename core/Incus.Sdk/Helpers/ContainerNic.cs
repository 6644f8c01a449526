namespace Incus.Sdk.Helpers;

/// <summary>One NIC of a container: an owned host link moved in and renamed.</summary>
public sealed record ContainerNic
{
    /// <summary>The host link (a veth peer the net helper created).</summary>
    public required string Link { get; init; }

    /// <summary>The interface name inside the container, for example <c>eth0</c>.</summary>
    public required string Name { get; init; }

    /// <summary>MTU inside, or null for the link's.</summary>
    public int? Mtu { get; init; }

    /// <summary>Static addresses and gateways to configure inside, or null for none.</summary>
    public ContainerNicAddresses? Addresses { get; init; }
}

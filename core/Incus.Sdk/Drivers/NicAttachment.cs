namespace Incus.Sdk.Drivers;

/// <summary>The link a started NIC hands to the container runtime.</summary>
public sealed partial record NicAttachment
{
    /// <summary>The host link the runtime moves into the container and renames.</summary>
    public required string Link { get; init; }

    /// <summary>The MTU to set inside, or null for the link's.</summary>
    public int? Mtu { get; init; }

    /// <summary>The addresses the driver reserved for the NIC; the core keeps them in volatile keys.</summary>
    public NicReservations Reservations { get; init; } = new();
}

namespace Incus.Sdk.Drivers;

/// <summary>The link a started NIC hands to the container runtime.</summary>
public sealed partial record NicAttachment
{
    /// <summary>The host link the runtime moves into the container and renames.</summary>
    public required string Link { get; init; }

    /// <summary>The MTU to set inside, or null for the link's.</summary>
    public int? Mtu { get; init; }
}

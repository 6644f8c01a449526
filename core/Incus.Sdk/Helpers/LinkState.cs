namespace Incus.Sdk.Helpers;

/// <summary>Administrative state of a link.</summary>
public sealed record LinkState
{
    /// <summary>Interface name.</summary>
    public required string Name { get; init; }

    /// <summary>True to bring the link up, false to bring it down.</summary>
    public required bool Up { get; init; }

    /// <summary>MTU to set, 1280–9000, or null to leave it.</summary>
    public int? Mtu { get; init; }

    /// <summary>Unicast MAC address to set, or null to leave it.</summary>
    public string? HwAddr { get; init; }
}

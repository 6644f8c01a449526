namespace Incus.Sdk.Helpers;

/// <summary>A bridge to create.</summary>
public sealed record BridgeSpec
{
    /// <summary>Interface name: 1–15 bytes of [A-Za-z0-9_.-], not "." or "..".</summary>
    public required string Name { get; init; }

    /// <summary>MTU, 1280–9000, or null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>Unicast MAC address, or null for a kernel-chosen one.</summary>
    public string? HwAddr { get; init; }
}

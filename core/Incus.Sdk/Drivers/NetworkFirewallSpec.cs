namespace Incus.Sdk.Drivers;

/// <summary>The facts a firewall driver needs to build a bridge's network-level rules.</summary>
public sealed record NetworkFirewallSpec
{
    /// <summary>The bridge.</summary>
    public required string Bridge { get; init; }

    /// <summary>The per-family part, for each family that has an address and <c>ipvN.firewall=true</c>.</summary>
    public required IReadOnlyList<NetworkFirewallFamily> Families { get; init; }
}

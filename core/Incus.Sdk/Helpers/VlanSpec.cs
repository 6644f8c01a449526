namespace Incus.Sdk.Helpers;

/// <summary>An 802.1Q interface named <c>&lt;parent&gt;.&lt;id&gt;</c> on a host interface.</summary>
public sealed record VlanSpec
{
    /// <summary>The host interface carrying the VLAN.</summary>
    public required string Parent { get; init; }

    /// <summary>The VLAN id, 1-4094.</summary>
    public required int Id { get; init; }
}

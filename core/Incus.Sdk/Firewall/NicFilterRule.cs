namespace Incus.Sdk.Firewall;

/// <summary>One drop rule of the firewall-neutral model of a device filter.</summary>
public sealed record NicFilterRule
{
    /// <summary>Where the rule sits in the device chain; stages run in their declared order.</summary>
    public required NicFilterStage Stage { get; init; }

    /// <summary>What the rule checks.</summary>
    public required NicFilterRuleKind Kind { get; init; }

    /// <summary>The variants (input, forward) that carry this rule.</summary>
    public required NicFilterHooks Hooks { get; init; }

    /// <summary>The NIC's MAC, lower case, for the MAC checks.</summary>
    public string? Mac { get; init; }

    /// <summary>The allowed addresses and prefixes for the IP checks, in canonical form.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>
    /// Sources the input variant also lets past the identity check, because a service exception
    /// rule further down narrows them (0.0.0.0 for DHCPv4, fe80::/10 for RS and DHCPv6).
    /// </summary>
    public IReadOnlyList<string> InputOnlyAddresses { get; init; } = [];

    /// <summary>The addresses this rule allows in one variant.</summary>
    public IReadOnlyList<string> AddressesFor(NicFilterHooks hook) =>
        hook == NicFilterHooks.Input ? [.. Addresses, .. InputOnlyAddresses] : Addresses;
}

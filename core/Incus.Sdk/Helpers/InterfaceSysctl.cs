namespace Incus.Sdk.Helpers;

/// <summary>One write to <c>/proc/sys/net/{family}/conf/{interface}/{key}</c>.</summary>
public sealed record InterfaceSysctl
{
    /// <summary>Owned interface name.</summary>
    public required string Interface { get; init; }

    /// <summary><c>ipv4</c> or <c>ipv6</c>.</summary>
    public required string Family { get; init; }

    /// <summary>An allowlisted key such as <c>accept_ra</c>, <c>rp_filter</c> or <c>forwarding</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The value, one of those the key allows.</summary>
    public required string Value { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>An address family whose routing to switch on.</summary>
public sealed record ForwardingFamily
{
    /// <summary><c>ipv4</c> or <c>ipv6</c>.</summary>
    public required string Family { get; init; }
}

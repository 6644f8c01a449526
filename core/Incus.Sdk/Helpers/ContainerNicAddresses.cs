namespace Incus.Sdk.Helpers;

/// <summary>
/// Static addressing the container runtime sets up on a NIC inside the container. The runtime helper
/// parses and re-serialises every value; nothing here reaches a config file or command line as given.
/// </summary>
public sealed record ContainerNicAddresses
{
    /// <summary>IPv4 addresses in CIDR form; a /32 is configured without a broadcast address.</summary>
    public IReadOnlyList<string> Ipv4 { get; init; } = [];

    /// <summary>IPv6 addresses in CIDR form.</summary>
    public IReadOnlyList<string> Ipv6 { get; init; } = [];

    /// <summary>The IPv4 default gateway (reached on-link through the NIC), or null for none.</summary>
    public string? Ipv4Gateway { get; init; }

    /// <summary>The IPv6 default gateway (typically link-local), or null for none.</summary>
    public string? Ipv6Gateway { get; init; }
}

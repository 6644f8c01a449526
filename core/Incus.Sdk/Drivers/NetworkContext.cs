using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>What a network driver is given to act on one network.</summary>
public sealed record NetworkContext
{
    /// <summary>The network's name, which is also its kernel interface name.</summary>
    public required string Name { get; init; }

    /// <summary>The network's stored (filled) config.</summary>
    public required IReadOnlyDictionary<string, string> Config { get; init; }

    /// <summary>The static host entries of every NIC attached to this network.</summary>
    public required IReadOnlyList<DnsmasqHostEntry> Hosts { get; init; }

    /// <summary>The net helper.</summary>
    public required INetHelper Helper { get; init; }

    /// <summary>The firewall driver in use, or null when none is installed.</summary>
    public IFirewallDriver? Firewall { get; init; }
}

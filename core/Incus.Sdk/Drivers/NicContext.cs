using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>What a NIC driver is given to act on one instance device.</summary>
public sealed record NicContext
{
    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }

    /// <summary>The device's name in the instance config.</summary>
    public required string Device { get; init; }

    /// <summary>The device's expanded config.</summary>
    public required IReadOnlyDictionary<string, string> Config { get; init; }

    /// <summary>The parent bridge (from <c>parent</c> or the managed network).</summary>
    public required string Parent { get; init; }

    /// <summary>The managed network's config when <c>network=</c> is used; otherwise empty.</summary>
    public required IReadOnlyDictionary<string, string> NetworkConfig { get; init; }

    /// <summary>The MAC address (<c>volatile.&lt;dev&gt;.hwaddr</c>).</summary>
    public required string HwAddr { get; init; }

    /// <summary>The host-side interface name (<c>volatile.&lt;dev&gt;.host_name</c>).</summary>
    public required string HostName { get; init; }

    /// <summary>The net helper.</summary>
    public required INetHelper Helper { get; init; }

    /// <summary>The firewall driver in use, or null when none works here.</summary>
    public IFirewallDriver? Firewall { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>A veth pair for a bridged NIC.</summary>
public sealed record VethPairSpec
{
    /// <summary>Host-side name, attached to <see cref="Bridge"/>.</summary>
    public required string HostName { get; init; }

    /// <summary>Peer name; the container runtime moves this end into the container.</summary>
    public required string PeerName { get; init; }

    /// <summary>An owned bridge.</summary>
    public required string Bridge { get; init; }

    /// <summary>MTU for both ends, or null for the bridge's.</summary>
    public int? Mtu { get; init; }

    /// <summary>The MAC address the instance will see (set on the peer).</summary>
    public required string PeerHwAddr { get; init; }
}

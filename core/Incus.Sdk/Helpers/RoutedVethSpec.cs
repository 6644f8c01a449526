namespace Incus.Sdk.Helpers;

/// <summary>A veth pair for a routed NIC: no bridge, the host routes to it.</summary>
public sealed record RoutedVethSpec
{
    /// <summary>Host-side name.</summary>
    public required string HostName { get; init; }

    /// <summary>Peer name; the container runtime moves this end into the container.</summary>
    public required string PeerName { get; init; }

    /// <summary>The MAC address the instance will see (set on the peer).</summary>
    public required string PeerHwAddr { get; init; }

    /// <summary>MTU of the host side, or null for the default.</summary>
    public int? HostMtu { get; init; }

    /// <summary>MTU of the peer, or null for the default.</summary>
    public int? PeerMtu { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>A veth pair for a bridged NIC.</summary>
public sealed record VethPairSpec
{
    /// <summary>Host-side name, attached to <see cref="Bridge"/>.</summary>
    public required string HostName { get; init; }

    /// <summary>Peer name; the container runtime moves this end into the container.</summary>
    public required string PeerName { get; init; }

    /// <summary>
    /// A bridge the helper created, or a kernel bridge it did not create (an unmanaged parent): the
    /// helper then only adds the new veth as a port and changes nothing on the bridge itself.
    /// </summary>
    public required string Bridge { get; init; }

    /// <summary>MTU for both ends, or null for the bridge's.</summary>
    public int? Mtu { get; init; }

    /// <summary>The MAC address the instance will see (set on the peer).</summary>
    public required string PeerHwAddr { get; init; }
}

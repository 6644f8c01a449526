namespace Incus.Sdk.Helpers;

/// <summary>One network interface inside a running container, as its network namespace shows it.</summary>
public sealed record ContainerInterface
{
    /// <summary>The interface name inside the container.</summary>
    public required string Name { get; init; }

    /// <summary>Its addresses.</summary>
    public required IReadOnlyList<ContainerAddress> Addresses { get; init; }

    /// <summary>Bytes the interface received, as counted inside the container.</summary>
    /// <summary>Bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Bytes the interface sent, as counted inside the container.</summary>
    /// <summary>Bytes sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>Packets the interface received, as counted inside the container.</summary>
    /// <summary>Packets received.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>Packets the interface sent, as counted inside the container.</summary>
    /// <summary>Packets sent.</summary>
    public long PacketsSent { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>One network interface inside a running container, as its network namespace shows it.</summary>
public sealed record ContainerInterface
{
    /// <summary>The interface name inside the container.</summary>
    public required string Name { get; init; }

    /// <summary>Its addresses.</summary>
    public required IReadOnlyList<ContainerAddress> Addresses { get; init; }

    public long BytesReceived { get; init; }
    public long BytesSent { get; init; }
    public long PacketsReceived { get; init; }
    public long PacketsSent { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>A NIC to hot-plug into a running container.</summary>
public sealed record ContainerNicAttach
{
    /// <summary>The running container.</summary>
    public required string Instance { get; init; }

    /// <summary>The NIC.</summary>
    public required ContainerNic Nic { get; init; }
}

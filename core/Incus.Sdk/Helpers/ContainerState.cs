namespace Incus.Sdk.Helpers;

/// <summary>A container's runtime state.</summary>
public sealed record ContainerState
{
    /// <summary>True while the container runs.</summary>
    public required bool Running { get; init; }

    /// <summary>Host pid of the container's init, or 0 when stopped.</summary>
    public required int Pid { get; init; }

    /// <summary>The container's interfaces and addresses while it runs (empty when stopped).</summary>
    public IReadOnlyList<ContainerInterface> Interfaces { get; init; } = [];
}

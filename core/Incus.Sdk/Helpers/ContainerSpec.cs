namespace Incus.Sdk.Helpers;

/// <summary>Everything the runtime helper needs to start one container.</summary>
public sealed record ContainerSpec
{
    /// <summary>The instance's name (hostname rules).</summary>
    public required string Instance { get; init; }

    /// <summary>The dir pool holding the instance's root filesystem.</summary>
    public required string Pool { get; init; }

    /// <summary>True for a privileged container: no user namespace.</summary>
    public required bool Privileged { get; init; }

    /// <summary>First host id of the container's id map (ignored when privileged).</summary>
    public required uint IdmapStart { get; init; }

    /// <summary>Number of ids mapped (ignored when privileged).</summary>
    public required uint IdmapSize { get; init; }

    /// <summary>NICs: host links (created by the net helper) that LXC moves into the container; at most 32.</summary>
    public IReadOnlyList<ContainerNic> Nics { get; init; } = [];
}

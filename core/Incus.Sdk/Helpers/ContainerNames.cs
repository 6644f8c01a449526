namespace Incus.Sdk.Helpers;

/// <summary>Several containers, by instance name; at most 4096.</summary>
public sealed record ContainerNames
{
    /// <summary>Instance names, each checked by the helper.</summary>
    public required IReadOnlyList<string> Instances { get; init; }

    /// <summary>Also read each running container's interfaces (only full lists show them).</summary>
    public bool WithInterfaces { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>Names one instance's directory in a pool.</summary>
public sealed record InstanceVolume
{
    /// <summary>The pool's name.</summary>
    public required string Pool { get; init; }

    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }
}

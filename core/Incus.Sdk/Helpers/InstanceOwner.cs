namespace Incus.Sdk.Helpers;

/// <summary>Who owns an instance's directory in a pool: the host ids of the container's root.</summary>
public sealed record InstanceOwner
{
    /// <summary>The pool's name.</summary>
    public required string Pool { get; init; }

    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }

    /// <summary>Host uid of the container's root: 0 for privileged, else inside root's subordinate range.</summary>
    public required uint RootUid { get; init; }

    /// <summary>Host gid of the container's root, with the same rule as <see cref="RootUid"/>.</summary>
    public required uint RootGid { get; init; }
}

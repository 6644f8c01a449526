namespace Incus.Sdk.Helpers;

/// <summary>An instance directory to create in a dir pool, with its root filesystem unpacked from an image.</summary>
public sealed record InstanceRootfsSpec
{
    /// <summary>The pool's name.</summary>
    public required string Pool { get; init; }

    /// <summary>The instance's name: 1–63 of [A-Za-z0-9-], starting with a letter, not ending with '-'.</summary>
    public required string Instance { get; init; }

    /// <summary>SHA-256 fingerprint (64 lower-case hex digits) of an image in the daemon's image store.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Host uid of the container's root: 0 for privileged, else inside root's subordinate range.</summary>
    public required uint RootUid { get; init; }

    /// <summary>Host gid of the container's root, with the same rule as <see cref="RootUid"/>.</summary>
    public required uint RootGid { get; init; }
}

namespace Incus.Sdk.Helpers;

/// <summary>
/// Storage operations of the instance helper. Paths are never sent: the helper derives every path
/// from validated names beneath its fixed storage root and refuses symlinks and traversal.
/// </summary>
public interface IStorageHelper
{
    /// <summary>Creates the directory tree of a <c>dir</c> pool. Fails if the pool directory exists.</summary>
    Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default);

    /// <summary>Removes a <c>dir</c> pool's directory tree, which must hold no instances.</summary>
    Task DeleteDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an instance's directory in a pool and unpacks the image's rootfs into it. Every entry is
    /// written beneath the new directory without following links; the directory ends mode 0100, owned by
    /// the container's root. On failure nothing of it remains.
    /// </summary>
    Task CreateInstanceRootfsAsync(InstanceRootfsSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an existing instance directory to the container's root for its id map (mode 0100), when
    /// the map changed since the directory was made. The root filesystem inside is not touched: it keeps
    /// the image's owners and is shown to unprivileged containers through an idmapped mount.
    /// </summary>
    Task SetInstanceOwnerAsync(InstanceOwner owner, CancellationToken cancellationToken = default);

    /// <summary>Removes an instance's directory and everything in it, without following links.</summary>
    Task DeleteInstanceVolumeAsync(InstanceVolume volume, CancellationToken cancellationToken = default);

    /// <summary>Lists the pool directories that exist, for reconciliation with the database.</summary>
    Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default);
}

using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The storage part of the instance helper as plugins see it: the SDK interface, carried over the
/// core's reconnecting helper connection.
/// </summary>
public sealed class StorageHelperClient(HelperConnection<IStorageHelper> connection) : IStorageHelper
{
    public Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateDirPool", helper => helper.CreateDirPoolAsync(pool, cancellationToken), cancellationToken);

    public Task DeleteDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteDirPool", helper => helper.DeleteDirPoolAsync(pool, cancellationToken), cancellationToken);

    public Task CreateInstanceRootfsAsync(InstanceRootfsSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateInstanceRootfs", helper => helper.CreateInstanceRootfsAsync(spec, cancellationToken), cancellationToken);

    public Task DeleteInstanceVolumeAsync(InstanceVolume volume, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteInstanceVolume", helper => helper.DeleteInstanceVolumeAsync(volume, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListDirPools", helper => helper.ListDirPoolsAsync(cancellationToken), cancellationToken);
}

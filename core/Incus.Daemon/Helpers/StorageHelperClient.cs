using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The storage part of the instance helper as plugins see it: the SDK interface, carried over the
/// core's reconnecting helper connection, with each call's time limit.
/// </summary>
public sealed class StorageHelperClient(HelperConnection<IStorageHelper> connection) : IStorageHelper
{
    public Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateDirPool", (helper, token) => helper.CreateDirPoolAsync(pool, token), cancellationToken);

    public Task DeleteDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteDirPool", (helper, token) => helper.DeleteDirPoolAsync(pool, token), cancellationToken);

    public Task CreateInstanceRootfsAsync(InstanceRootfsSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateInstanceRootfs", (helper, token) => helper.CreateInstanceRootfsAsync(spec, token), cancellationToken, HelperTimeouts.TreeWork);

    public Task SetInstanceOwnerAsync(InstanceOwner owner, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetInstanceOwner", (helper, token) => helper.SetInstanceOwnerAsync(owner, token), cancellationToken);

    public Task DeleteInstanceVolumeAsync(InstanceVolume volume, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteInstanceVolume", (helper, token) => helper.DeleteInstanceVolumeAsync(volume, token), cancellationToken, HelperTimeouts.TreeWork);

    public Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListDirPools", (helper, token) => helper.ListDirPoolsAsync(token), cancellationToken);
}

using Incus.Sdk.Helpers;
using StreamJsonRpc;

namespace Incus.HelperProtocol;

/// <summary>The core's client for <see cref="IStorageHelper"/>; see <see cref="HelperProxy"/> for why it is written out.</summary>
internal sealed class StorageHelperProxy(JsonRpc rpc) : HelperProxy(rpc), IStorageHelper
{
    public Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateDirPoolAsync), pool, typeof(PoolName), cancellationToken);

    public Task DeleteDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        Call(nameof(DeleteDirPoolAsync), pool, typeof(PoolName), cancellationToken);

    public Task CreateInstanceRootfsAsync(InstanceRootfsSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateInstanceRootfsAsync), spec, typeof(InstanceRootfsSpec), cancellationToken);

    public Task SetInstanceOwnerAsync(InstanceOwner owner, CancellationToken cancellationToken = default) =>
        Call(nameof(SetInstanceOwnerAsync), owner, typeof(InstanceOwner), cancellationToken);

    public Task DeleteInstanceVolumeAsync(InstanceVolume volume, CancellationToken cancellationToken = default) =>
        Call(nameof(DeleteInstanceVolumeAsync), volume, typeof(InstanceVolume), cancellationToken);

    public Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<string>>(nameof(ListDirPoolsAsync), cancellationToken);
}

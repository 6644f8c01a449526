using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Instance;

/// <summary>
/// Storage operations of the instance helper. Everything happens beneath the storage root through
/// <see cref="ConfinedDirectory"/>; a pool's tree is created whole or not at all.
/// </summary>
public sealed class StorageHelperService(CallContext context, StorageRoot root) : IStorageHelper
{
    /// <summary>
    /// Unpacking keeps the image's owners (chown), set-id bits on files whose group is not root's
    /// (fsetid), and works in instance directories owned by container root (dac_override, fowner).
    /// Starting containers (LXC) will need a wider set and is planned for a separate process.
    /// </summary>
    public static readonly CapabilitySet Capabilities = CapabilitySet.Of(
        LinuxCapability.Chown, LinuxCapability.DacOverride, LinuxCapability.Fowner, LinuxCapability.Fsetid);

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The subdirectories of a dir pool, with their modes, in creation order.</summary>
    public static readonly IReadOnlyList<(string Name, UnixFileMode Mode)> PoolLayout = [("containers", Traversable), ("images", Private)];

    private static readonly SemaphoreSlim Writer = new(1, 1);

    public Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        Serialized("CreateDirPool", pool, cancellationToken, () =>
        {
            string name = PoolNames.Validate(Required(pool).Name);
            using var storage = root.Open();
            using var poolDirectory = storage.CreateChild(name, Traversable);
            try
            {
                foreach (var (child, mode) in PoolLayout)
                {
                    poolDirectory.CreateChild(child, mode).Dispose();
                }
            }
            catch
            {
                // Leave nothing behind: remove whatever part of the tree was made, then report the failure.
                foreach (var (child, _) in PoolLayout.Reverse())
                {
                    if (poolDirectory.ListEntries().Contains(child))
                    {
                        poolDirectory.RemoveEmptyChild(child);
                    }
                }
                storage.RemoveEmptyChild(name);
                throw;
            }
        });

    public Task DeleteDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        Serialized("DeleteDirPool", pool, cancellationToken, () =>
        {
            string name = PoolNames.Validate(Required(pool).Name);
            using var storage = root.Open();
            using (var poolDirectory = storage.OpenChild(name))
            {
                var unexpected = poolDirectory.ListEntries().Except(PoolLayout.Select(p => p.Name)).ToList();
                if (unexpected.Count > 0)
                {
                    throw new HelperRequestException($"pool {name} holds entries this daemon did not create: {string.Join(", ", unexpected.Take(5))}");
                }
                foreach (var (child, _) in PoolLayout)
                {
                    if (poolDirectory.ListEntries().Contains(child))
                    {
                        poolDirectory.RemoveEmptyChild(child);
                    }
                }
            }
            storage.RemoveEmptyChild(name);
        });

    public Task CreateInstanceRootfsAsync(InstanceRootfsSpec spec, CancellationToken cancellationToken = default) =>
        Serialized("CreateInstanceRootfs", spec, cancellationToken, () =>
        {
            Required(spec);
            string pool = PoolNames.Validate(spec.Pool);
            string instance = InstanceNames.Validate(spec.Instance);
            string fingerprint = InstanceNames.Fingerprint(spec.Fingerprint);
            CheckContainerRoot(spec.RootUid, spec.RootGid);
            using var image = root.OpenImage(fingerprint);
            using var storage = root.Open();
            using var poolDirectory = storage.OpenChild(pool);
            using var containers = poolDirectory.OpenChild("containers");
            using (var instanceDirectory = containers.CreateChild(instance, Private))
            {
                try
                {
                    using (var rootfs = instanceDirectory.CreateChild("rootfs", Traversable))
                    {
                        ImageUnpacker.Unpack(image, rootfs);
                    }
                    // Host users cannot walk into an instance: only its root may, and only to traverse.
                    instanceDirectory.SetOwner(spec.RootUid, spec.RootGid);
                    instanceDirectory.SetMode(UnixFileMode.UserExecute);
                }
                catch
                {
                    containers.RemoveTree(instance);
                    throw;
                }
            }
        });

    /// <summary>
    /// One fchown and one fchmod on the directory opened beneath the pool without following links. It
    /// does not wait behind the writer lock: it touches one inode of an instance the core is starting,
    /// which no unpack or removal of another instance involves, and starts must not queue behind unpacks.
    /// </summary>
    public Task SetInstanceOwnerAsync(InstanceOwner owner, CancellationToken cancellationToken = default) =>
        context.AuditedAsync("SetInstanceOwner", owner, () =>
        {
            Required(owner);
            string pool = PoolNames.Validate(owner.Pool);
            string instance = InstanceNames.Validate(owner.Instance);
            CheckContainerRoot(owner.RootUid, owner.RootGid);
            using var storage = root.Open();
            using var poolDirectory = storage.OpenChild(pool);
            using var containers = poolDirectory.OpenChild("containers");
            using var instanceDirectory = containers.OpenChild(instance);
            instanceDirectory.SetOwner(owner.RootUid, owner.RootGid);
            instanceDirectory.SetMode(UnixFileMode.UserExecute);
            return Task.CompletedTask;
        });

    public Task DeleteInstanceVolumeAsync(InstanceVolume volume, CancellationToken cancellationToken = default) =>
        Serialized("DeleteInstanceVolume", volume, cancellationToken, () =>
        {
            Required(volume);
            string pool = PoolNames.Validate(volume.Pool);
            string instance = InstanceNames.Validate(volume.Instance);
            using var storage = root.Open();
            using var poolDirectory = storage.OpenChild(pool);
            using var containers = poolDirectory.OpenChild("containers");
            containers.RemoveTree(instance);
        });

    /// <summary>Container root is the host's root (privileged) or an id inside root's subordinate range.</summary>
    private static void CheckContainerRoot(uint uid, uint gid)
    {
        if (uid == 0 && gid == 0)
        {
            return;
        }
        if (!SubordinateIds.GrantedToRoot(new IdRange(uid, 1)) || !SubordinateIds.GrantedToRoot(new IdRange(gid, 1)))
        {
            throw new HelperRequestException($"container root {uid}:{gid} is neither 0:0 nor inside root's subordinate ids ({SubordinateIds.ForRoot()})");
        }
    }

    public Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default)
    {
        using var storage = root.Open();
        return Task.FromResult(storage.ListDirectories());
    }

    /// <summary>
    /// Runs one change at a time. A request whose caller gave up (its time limit passed) while it waited
    /// here is dropped before it starts; one that has started runs to the end.
    /// </summary>
    private async Task Serialized(string operation, object? arguments, CancellationToken cancellationToken, Action action)
    {
        await Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await context.AuditedAsync(operation, arguments, () =>
            {
                action();
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            Writer.Release();
        }
    }

    private static T Required<T>(T? value) where T : class =>
        value ?? throw new HelperRequestException("request: missing");
}

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
    /// Creating and removing directories that root owns needs no capability. Container rootfs work
    /// (unpacking, id shifting, LXC) will extend this set when it arrives.
    /// </summary>
    public static readonly CapabilitySet Capabilities = CapabilitySet.Empty;

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The subdirectories of a dir pool, with their modes, in creation order.</summary>
    public static readonly IReadOnlyList<(string Name, UnixFileMode Mode)> PoolLayout = [("containers", Traversable), ("images", Private)];

    private static readonly SemaphoreSlim Writer = new(1, 1);

    public Task CreateDirPoolAsync(PoolName pool, CancellationToken cancellationToken = default) =>
        Serialized("CreateDirPool", pool, () =>
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
        Serialized("DeleteDirPool", pool, () =>
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

    public Task<IReadOnlyList<string>> ListDirPoolsAsync(CancellationToken cancellationToken = default)
    {
        using var storage = root.Open();
        return Task.FromResult(storage.ListDirectories());
    }

    private async Task Serialized(string operation, object? arguments, Action action)
    {
        await Writer.WaitAsync().ConfigureAwait(false);
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

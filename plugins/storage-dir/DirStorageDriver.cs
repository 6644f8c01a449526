using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.StorageDir;

/// <summary>
/// The <c>dir</c> pool driver: a pool is a directory tree under the daemon's storage root, and each
/// instance gets one directory in it. All filesystem work is done by the instance helper.
/// </summary>
public sealed class DirStorageDriver : IStorageDriver
{
    public string Name => "dir";

    public string Version => "1";

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string? key = config.Keys.Order(StringComparer.Ordinal).FirstOrDefault();
        // A pool lives at a path the helper derives from its name; a caller-chosen source path would
        // be a path received from the core, which the helper does not accept.
        return key switch
        {
            null => null,
            "source" => "Invalid config key \"source\": dir pools live under the daemon's storage-pools directory; a custom source is not supported",
            _ => $"Invalid config key \"{key}\": unknown key for the dir driver",
        };
    }

    public Task CreatePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Helper.CreateDirPoolAsync(new PoolName { Name = pool.Name }, cancellationToken);
    }

    public Task DeletePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Helper.DeleteDirPoolAsync(new PoolName { Name = pool.Name }, cancellationToken);
    }
}

using Incus.Sdk.Plugins;

namespace Incus.Plugins.StorageDir;

/// <summary>Entry point of the storage-dir plugin.</summary>
public sealed class StorageDirPlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddStorageDriver(new DirStorageDriver());
    }
}

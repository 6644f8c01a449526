using Incus.Sdk.Plugins;

namespace Incus.Plugins.StorageDir;

/// <summary>Entry point of the storage-dir plugin.</summary>
public sealed class StorageDirPlugin : IIncusPlugin
{
    // The drivers of this plugin arrive with their own issues; until then it loads and adds none,
    // so the daemon never advertises a driver that does not work.
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
    }
}

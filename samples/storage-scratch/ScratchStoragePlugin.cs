using Incus.Sdk.Plugins;

namespace Incus.Samples.StorageScratch;

/// <summary>
/// The plugin's entry point. The daemon finds the one <see cref="IIncusPlugin"/> in the assembly that
/// plugin.json names, creates it, and calls <see cref="Register"/> once at start.
/// </summary>
public sealed class ScratchStoragePlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddStorageDriver(new ScratchStorageDriver());
    }
}

using Incus.Sdk.Plugins;

namespace Incus.Plugins.NetworkRouted;

/// <summary>Entry point of the network-routed plugin.</summary>
public sealed class NetworkRoutedPlugin : IIncusPlugin
{
    // The drivers of this plugin arrive with their own issues; until then it loads and adds none,
    // so the daemon never advertises a driver that does not work.
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
    }
}

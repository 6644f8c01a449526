using Incus.Sdk.Plugins;

namespace Incus.Plugins.NetworkRouted;

/// <summary>Entry point of the network-routed plugin: <c>nictype=routed</c> NICs.</summary>
public sealed class NetworkRoutedPlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddNicDevice(new RoutedNicDriver());
    }
}

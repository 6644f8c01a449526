using Incus.Sdk.Plugins;

namespace Incus.Plugins.NetworkBridge;

/// <summary>Entry point of the network-bridge plugin: the <c>bridge</c> network type and bridged NICs.</summary>
public sealed class NetworkBridgePlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddNetworkDriver(new BridgeNetworkDriver());
        registry.AddNicDevice(new BridgedNicDriver());
    }
}

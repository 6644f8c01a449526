using Incus.Sdk.Plugins;

namespace Incus.Plugins.FirewallNft;

/// <summary>Entry point of the firewall-nft plugin.</summary>
public sealed class FirewallNftPlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddFirewallDriver(new NftFirewallDriver());
    }
}

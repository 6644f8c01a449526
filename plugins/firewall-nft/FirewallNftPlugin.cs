using Incus.Sdk.Plugins;

namespace Incus.Plugins.FirewallNft;

/// <summary>Entry point of the firewall-nft plugin.</summary>
public sealed class FirewallNftPlugin : IIncusPlugin
{
    // The drivers of this plugin arrive with their own issues; until then it loads and adds none,
    // so the daemon never advertises a driver that does not work.
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
    }
}

using Incus.Sdk.Plugins;

namespace Incus.Plugins.FirewallXt;

/// <summary>Entry point of the firewall-xt plugin.</summary>
public sealed class FirewallXtPlugin : IIncusPlugin
{
    public void Register(IDriverRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddFirewallDriver(new XtFirewallDriver());
    }
}

using Incus.Sdk.Drivers;

namespace Incus.Sdk.Plugins;

/// <summary>What a plugin may add to the daemon.</summary>
public interface IDriverRegistry
{
    /// <summary>Adds a network driver (for example <c>bridge</c>).</summary>
    void AddNetworkDriver(INetworkDriver driver);

    /// <summary>Adds a NIC device type (for example <c>nictype=routed</c>).</summary>
    void AddNicDevice(INicDeviceDriver driver);

    /// <summary>Adds a firewall driver (for example <c>nftables</c>).</summary>
    void AddFirewallDriver(IFirewallDriver driver);

    /// <summary>Adds a storage pool driver (for example <c>dir</c>).</summary>
    void AddStorageDriver(IStorageDriver driver);
}

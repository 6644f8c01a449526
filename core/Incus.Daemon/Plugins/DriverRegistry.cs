using Incus.Sdk.Drivers;
using Incus.Sdk.Plugins;

namespace Incus.Daemon.Plugins;

/// <summary>Every driver the loaded plugins provided, by kind and name.</summary>
public sealed class DriverRegistry
{
    private readonly Dictionary<string, INetworkDriver> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, INicDeviceDriver> _nics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IFirewallDriver> _firewalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IStorageDriver> _storage = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, INetworkDriver> Networks => _networks;
    public IReadOnlyDictionary<string, INicDeviceDriver> Nics => _nics;
    public IReadOnlyDictionary<string, IFirewallDriver> Firewalls => _firewalls;
    public IReadOnlyDictionary<string, IStorageDriver> Storage => _storage;

    /// <summary>A registry view for one plugin, which records what that plugin added.</summary>
    internal PluginRegistration For(string plugin) => new(this, plugin);

    internal void Add<T>(Dictionary<string, T> target, T driver, string plugin, List<string> added) where T : IDriver
    {
        if (string.IsNullOrWhiteSpace(driver.Name))
        {
            throw new PluginLoadException($"plugin {plugin} registered a driver without a name");
        }
        if (!target.TryAdd(driver.Name, driver))
        {
            throw new PluginLoadException($"plugin {plugin} registered driver \"{driver.Name}\", which another plugin already provides");
        }
        added.Add(driver.Name);
    }

    internal sealed class PluginRegistration(DriverRegistry registry, string plugin) : IDriverRegistry
    {
        public List<string> Added { get; } = new();

        public void AddNetworkDriver(INetworkDriver driver) => registry.Add(registry._networks, driver, plugin, Added);
        public void AddNicDevice(INicDeviceDriver driver) => registry.Add(registry._nics, driver, plugin, Added);
        public void AddFirewallDriver(IFirewallDriver driver) => registry.Add(registry._firewalls, driver, plugin, Added);
        public void AddStorageDriver(IStorageDriver driver) => registry.Add(registry._storage, driver, plugin, Added);
    }
}

namespace Incus.Sdk.Plugins;

/// <summary>The kind of driver a plugin provides, as written in its manifest.</summary>
public enum PluginKind
{
    /// <summary>Network drivers (managed networks).</summary>
    Network,
    /// <summary>NIC device drivers.</summary>
    Nic,
    /// <summary>Firewall drivers.</summary>
    Firewall,
    /// <summary>Storage pool drivers.</summary>
    Storage,
}

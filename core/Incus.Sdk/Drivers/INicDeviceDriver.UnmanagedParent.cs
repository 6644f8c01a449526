namespace Incus.Sdk.Drivers;

/// <summary>NIC types that can also attach to a host bridge the daemon does not manage.</summary>
public partial interface INicDeviceDriver
{
    /// <summary>
    /// Checks a device whose <c>parent</c> is not one of the daemon's networks (for example a bridge
    /// made with <c>ip link add br0 type bridge</c>). Returns the error message, or null when the driver
    /// attaches to such a parent with this config. The core then passes the name through as
    /// <see cref="NicContext.Parent"/> with an empty <see cref="NicContext.NetworkConfig"/>, and the NIC
    /// belongs to no network. The default refuses, for drivers that need a managed network.
    /// </summary>
    string? ValidateUnmanagedParent(IReadOnlyDictionary<string, string> config) =>
        $"Invalid device option \"parent\": \"{config?.GetValueOrDefault("parent")}\" is not a managed {NetworkType} network of this daemon";
}

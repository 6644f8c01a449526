namespace Incus.Sdk.Drivers;

/// <summary>A NIC device type (<c>type=nic</c>, selected by <c>nictype</c> or <c>network</c>).</summary>
public interface INicDeviceDriver : IDriver
{
    /// <summary>Checks a device's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);
}

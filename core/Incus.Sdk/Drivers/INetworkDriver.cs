namespace Incus.Sdk.Drivers;

/// <summary>
/// A managed network type. The driver validates config and computes the kernel state it wants;
/// it applies that state only through the helper clients it is given.
/// </summary>
public interface INetworkDriver : IDriver
{
    /// <summary>Checks a network's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);
}

namespace Incus.Sdk.Drivers;

/// <summary>A storage pool driver (for example <c>dir</c>).</summary>
public interface IStorageDriver : IDriver
{
    /// <summary>Checks a pool's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);
}

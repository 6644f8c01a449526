namespace Incus.Sdk.Plugins;

/// <summary>
/// Entry point of a driver plugin. The loader creates one instance per plugin folder and calls
/// <see cref="Register"/> once; a plugin adds its drivers there and does nothing privileged.
/// </summary>
public interface IIncusPlugin
{
    /// <summary>Adds the plugin's drivers to the daemon.</summary>
    void Register(IDriverRegistry registry);
}

using Incus.Daemon.Plugins;
using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// The checks for one kind of driver. A suite gets the plugin as the daemon's loader registered it and
/// returns one result per check; it must not report a check as passed that it did not run.
/// </summary>
public interface IConformanceSuite
{
    /// <summary>The manifest kind this suite checks.</summary>
    PluginKind Kind { get; }

    Task<IReadOnlyList<CheckResult>> RunAsync(LoadedPlugin plugin, SuiteEnvironment environment, CancellationToken cancellationToken);
}

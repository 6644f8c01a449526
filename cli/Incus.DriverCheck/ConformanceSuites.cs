using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// The suites this kit has, by driver kind. This list is the extension point for the kinds that have no
/// suite yet (network and NIC device drivers). A kind without a suite is reported as not checked, never
/// as passed.
/// </summary>
public static class ConformanceSuites
{
    private static readonly IConformanceSuite[] All = [new StorageConformanceSuite(), new FirewallConformanceSuite()];

    public static IConformanceSuite? For(PluginKind kind) => All.FirstOrDefault(suite => suite.Kind == kind);

    public static IEnumerable<PluginKind> Covered => All.Select(suite => suite.Kind);
}

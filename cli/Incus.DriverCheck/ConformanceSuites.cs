using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// The suites this kit has, by driver kind: every kind a manifest may name has one. A kind added to the
/// SDK without a suite here is reported as not checked, never as passed.
/// </summary>
public static class ConformanceSuites
{
    private static readonly IConformanceSuite[] All = [new StorageConformanceSuite(), new FirewallConformanceSuite(), new NetworkConformanceSuite(), new NicConformanceSuite()];

    public static IConformanceSuite? For(PluginKind kind) => All.FirstOrDefault(suite => suite.Kind == kind);

    public static IEnumerable<PluginKind> Covered => All.Select(suite => suite.Kind);
}

using Incus.DriverCheck;
using Incus.Sdk.Plugins;

namespace Incus.Tests.Unit;

/// <summary>
/// The conformance kit has a suite for every kind a plugin manifest may name. The loader refuses any
/// other kind, so the kit's "not checked" answer can only be reached by a kind added to the SDK without
/// a suite; this test is what catches that.
/// </summary>
public sealed class ConformanceSuitesTests
{
    [Fact]
    public void EveryPluginKindHasASuiteOfThatKind()
    {
        foreach (var kind in Enum.GetValues<PluginKind>())
        {
            var suite = ConformanceSuites.For(kind);
            Assert.True(suite is not null, $"incus-driver-check has no suite for {kind} plugins");
            Assert.Equal(kind, suite.Kind);
        }
    }
}

using Xunit.Abstractions;
using Xunit.Sdk;

namespace Incus.Tests.Integration;

/// <summary>Discovers <see cref="ManagedBridgeOnlyFactAttribute"/> rows as <see cref="ManagedBridgeOnlyTestCase"/>s.</summary>
public sealed class ManagedBridgeOnlyDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        yield return new ManagedBridgeOnlyTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

using Xunit.Sdk;

namespace Incus.Tests.Integration;

/// <summary>
/// A row of a behaviour suite that tests what only a managed bridge has (its DHCP server, its
/// reservations). It runs as a plain fact, and is reported as skipped, with the reason, in a test
/// class marked <see cref="UnmanagedBridgeAttribute"/>.
/// </summary>
[XunitTestCaseDiscoverer("Incus.Tests.Integration.ManagedBridgeOnlyDiscoverer", "Incus.Tests.Integration")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ManagedBridgeOnlyFactAttribute : FactAttribute;

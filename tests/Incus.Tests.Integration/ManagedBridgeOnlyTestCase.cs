using Xunit.Abstractions;
using Xunit.Sdk;

namespace Incus.Tests.Integration;

/// <summary>
/// A fact whose skip reason comes from the concrete test class: the reason of its
/// <see cref="UnmanagedBridgeAttribute"/>, so the same base-class row runs for managed bridges and is
/// visibly skipped, not silently passed, for unmanaged ones. The reason is read again after the test
/// case is deserialised, so it needs no serialisation of its own.
/// </summary>
public sealed class ManagedBridgeOnlyTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ManagedBridgeOnlyTestCase()
    {
    }

    public ManagedBridgeOnlyTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(UnmanagedBridgeAttribute)).FirstOrDefault() is { } unmanaged
            ? $"managed bridges only: {unmanaged.GetConstructorArguments().First()}"
            : base.GetSkipReason(factAttribute);
}

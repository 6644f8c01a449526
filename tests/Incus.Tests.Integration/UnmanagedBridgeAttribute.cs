namespace Incus.Tests.Integration;

/// <summary>
/// Marks a behaviour suite subclass whose NICs join a host bridge the daemon does not manage; its
/// <see cref="ManagedBridgeOnlyFactAttribute"/> rows are skipped with <see cref="Reason"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UnmanagedBridgeAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

namespace Incus.Daemon.Api;

/// <summary>
/// Endpoint metadata: untrusted TLS clients may call this endpoint (which then shows them only
/// public data). Every endpoint without it answers untrusted clients 403.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AllowUntrustedAttribute : Attribute;

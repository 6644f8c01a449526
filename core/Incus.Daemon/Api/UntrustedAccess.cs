using Microsoft.AspNetCore.Builder;

namespace Incus.Daemon.Api;

/// <summary>Marks the few endpoints an untrusted client may reach.</summary>
public static class UntrustedAccess
{
    public static TBuilder AllowUntrusted<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowUntrustedAttribute());
}

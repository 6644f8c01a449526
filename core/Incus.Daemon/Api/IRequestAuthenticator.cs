using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>Decides a request's identity for one listener.</summary>
public interface IRequestAuthenticator
{
    /// <summary>The identity, or null with a refusal message when the request must not be served at all.</summary>
    RequestIdentity? Authenticate(HttpContext context, out string? refusal);
}

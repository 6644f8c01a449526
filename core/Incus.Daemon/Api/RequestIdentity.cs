using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>
/// Who sent a request, decided before any route runs: a local peer (always trusted once admitted),
/// or a TLS client, trusted only when its certificate's fingerprint is in the trust store.
/// </summary>
public sealed record RequestIdentity(bool Trusted, string UserName, string Method, string? Fingerprint)
{
    public const string ItemKey = "incus.identity";
    public const string UnixMethod = "unix";
    public const string TlsMethod = "tls";

    public static RequestIdentity Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is RequestIdentity identity
            ? identity
            : throw new InvalidOperationException("the request was not authenticated");
}

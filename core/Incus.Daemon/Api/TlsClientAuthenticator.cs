using Incus.Api;
using Incus.Daemon.Remote;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>
/// The TLS listener: trust is looked up on every request, not per connection, so removing a
/// certificate ends its access on connections that are already open. No certificate, or one not in
/// the store, makes the request untrusted (not refused): untrusted clients may still reach the
/// public endpoints.
/// </summary>
public sealed class TlsClientAuthenticator(TrustStore trust) : IRequestAuthenticator
{
    public RequestIdentity? Authenticate(HttpContext context, out string? refusal)
    {
        refusal = null;
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return new RequestIdentity(false, "", RequestIdentity.TlsMethod, null);
        }
        string fingerprint = CertificateFingerprint.Of(certificate);
        return trust.Find(fingerprint) is { Type: "client" }
            ? new RequestIdentity(true, fingerprint, RequestIdentity.TlsMethod, fingerprint)
            : new RequestIdentity(false, "", RequestIdentity.TlsMethod, fingerprint);
    }
}

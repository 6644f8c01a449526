using System.Collections.Concurrent;
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
/// <remarks>
/// A per-request check alone leaves the requests that are still running when the certificate goes:
/// an <c>/1.0/events</c> or exec websocket, or an operation wait, passed its check when it began and
/// would keep streaming for as long as the client liked. So trusted requests are tracked while they
/// run, and a removal aborts that certificate's ones (over HTTP/1.1 this drops the connection). The
/// Unix socket has its own authenticator and is never touched.
/// </remarks>
public sealed class TlsClientAuthenticator : IRequestAuthenticator
{
    private readonly TrustStore _trust;
    // Keyed by the request itself (reference equality); the value is the certificate's fingerprint.
    private readonly ConcurrentDictionary<HttpContext, string> _running = new();

    public TlsClientAuthenticator(TrustStore trust)
    {
        _trust = trust;
        trust.Revoked += AbortRequestsOf;
    }

    public RequestIdentity? Authenticate(HttpContext context, out string? refusal)
    {
        refusal = null;
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return new RequestIdentity(false, "", RequestIdentity.TlsMethod, null);
        }
        string fingerprint = CertificateFingerprint.Of(certificate);
        // Registered before the lookup: the store updates its copy before it raises Revoked, so a
        // removal this lookup misses finds the request registered and aborts it.
        _running[context] = fingerprint;
        if (_trust.Find(fingerprint) is not { Type: "client" })
        {
            _running.TryRemove(context, out _);
            return new RequestIdentity(false, "", RequestIdentity.TlsMethod, fingerprint);
        }
        // Kestrel reuses the context for the connection's next request, so it leaves the set as soon
        // as this response is done.
        context.Response.OnCompleted(static state =>
        {
            var (running, finished) = ((ConcurrentDictionary<HttpContext, string>, HttpContext))state;
            running.TryRemove(finished, out _);
            return Task.CompletedTask;
        }, (_running, context));
        return new RequestIdentity(true, fingerprint, RequestIdentity.TlsMethod, fingerprint);
    }

    private void AbortRequestsOf(string fingerprint)
    {
        foreach (var (context, owner) in _running)
        {
            if (string.Equals(owner, fingerprint, StringComparison.Ordinal) && _running.TryRemove(context, out _))
            {
                context.Abort();
            }
        }
    }
}

using Incus.Api;
using Incus.Daemon.Remote;
using Incus.Daemon.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/certificates</c>: the trust store, trust tokens, and adding oneself with a token.</summary>
public static class CertificateRoutes
{
    private const int MaxNameLength = 128;
    private const long UntrustedBodyLimit = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app, TrustStore trust, TrustTokens tokens, ServerState server, HttpsEndpoint https)
    {
        app.MapGet("/1.0/certificates", (HttpContext context) =>
        {
            var all = trust.All();
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(c => $"/1.0/certificates/{c.Fingerprint}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        });
        app.MapPost("/1.0/certificates", (HttpContext context) => AddAsync(context, trust, tokens, server, https)).AllowUntrusted();
        app.MapGet("/1.0/certificates/{fingerprint}", (HttpContext context, string fingerprint) =>
            EnvelopeWriter.SyncAsync(context.Response, Find(trust, fingerprint)));
        app.MapDelete("/1.0/certificates/{fingerprint}", (HttpContext context, string fingerprint) =>
        {
            trust.Remove(Find(trust, fingerprint).Fingerprint);
            return EnvelopeWriter.SyncAsync<object?>(context.Response, null);
        });
    }

    private static Certificate Find(TrustStore trust, string fingerprint) =>
        (fingerprint.Length == 64 ? trust.Find(fingerprint) : null)
        ?? (fingerprint.Length is > 0 and < 64 ? trust.FindByPrefix(fingerprint) : null)
        ?? throw ApiException.NotFound("Certificate not found");

    private static async Task AddAsync(HttpContext context, TrustStore trust, TrustTokens tokens, ServerState server, HttpsEndpoint https)
    {
        var identity = RequestIdentity.Of(context);
        if (!identity.Trusted && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Anyone who reaches the port may post here; a token request is a few hundred bytes.
            limit.MaxRequestBodySize = UntrustedBodyLimit;
        }
        var request = await RequestBody.ReadAsync<CertificatesPost>(context.Request).ConfigureAwait(false);
        if (request.Type is { Length: > 0 } type && type != "client")
        {
            throw ApiException.BadRequest($"Unsupported certificate type \"{type}\": only client certificates are supported");
        }
        var projects = request.Projects ?? [];
        if (projects.Any(p => p != "default"))
        {
            throw ApiException.BadRequest("Only the default project exists");
        }

        string? presentedToken = request.TrustToken is { Length: > 0 } t ? t : request.Password is { Length: > 0 } p ? p : null;
        if (!identity.Trusted)
        {
            await AddWithTokenAsync(context, trust, tokens, identity, presentedToken).ConfigureAwait(false);
            return;
        }

        if (request.Token)
        {
            string name = ValidName(request.Name);
            if (server.Identity is not { } serverIdentity)
            {
                throw new ApiException(503, "The server certificate is not available, so no token can name it");
            }
            var addresses = https.Addresses();
            if (addresses.Count == 0)
            {
                throw ApiException.BadRequest($"The server is not listening on the network; set {ServerConfigKeys.HttpsAddress} first");
            }
            var lifetime = server.Config.GetValueOrDefault(ServerConfigKeys.RemoteTokenExpiry) is { } expiry
                ? ExpiryDuration.TryParse(expiry) ?? ServerConfigKeys.DefaultTokenLifetime
                : ServerConfigKeys.DefaultTokenLifetime;
            var (operation, _) = tokens.Create(new PendingTrustRequest(name, request.Restricted, projects), serverIdentity.Fingerprint, addresses, lifetime);
            await EnvelopeWriter.AsyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
            return;
        }

        // A trusted caller adds a certificate it supplies, or its own over TLS.
        var certificate = request.Certificate is { Length: > 0 } text
            ? CertificateFingerprint.Parse(text) ?? throw ApiException.BadRequest("Invalid certificate: expected PEM or base64 DER")
            : context.Connection.ClientCertificate ?? throw ApiException.BadRequest("No certificate provided");
        var added = Record(certificate, request.Name is { Length: > 0 } ? ValidName(request.Name) : certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false),
            request.Restricted, projects, request.Description ?? "");
        if (!trust.TryAdd(added))
        {
            throw new ApiException(409, "Certificate already in trust store");
        }
        context.Response.Headers.Location = $"/1.0/certificates/{added.Fingerprint}";
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }

    /// <summary>
    /// An untrusted client adds its own TLS certificate; the name and restrictions come from the
    /// token, never from the request, so a client cannot grant itself more than the token says.
    /// </summary>
    private static async Task AddWithTokenAsync(HttpContext context, TrustStore trust, TrustTokens tokens, RequestIdentity identity, string? presentedToken)
    {
        if (presentedToken is null)
        {
            throw ApiException.Forbidden("not authorized: a trust token is required");
        }
        var certificate = context.Connection.ClientCertificate;
        if (identity.Method != RequestIdentity.TlsMethod || certificate is null)
        {
            throw ApiException.BadRequest("No client certificate provided");
        }
        var granted = tokens.Use(presentedToken) ?? throw ApiException.Forbidden("not authorized: the trust token is invalid, expired or already used");
        var added = Record(certificate, granted.Name, granted.Restricted, granted.Projects, "");
        if (!trust.TryAdd(added))
        {
            throw new ApiException(409, "Certificate already in trust store");
        }
        context.Response.Headers.Location = $"/1.0/certificates/{added.Fingerprint}";
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }

    private static Certificate Record(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string name, bool restricted,
        IReadOnlyList<string> projects, string description) => new()
    {
        Name = name,
        Type = "client",
        Restricted = restricted,
        Projects = projects,
        PemCertificate = CertificateFingerprint.ToPem(certificate),
        Fingerprint = CertificateFingerprint.Of(certificate),
        Description = description,
    };

    private static string ValidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ApiException.BadRequest("A certificate name is required");
        }
        if (name.Length > MaxNameLength || name.StartsWith('-') || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw ApiException.BadRequest($"Invalid certificate name \"{name}\": up to {MaxNameLength} characters, no control characters or slashes, not starting with '-'");
        }
        return name;
    }
}

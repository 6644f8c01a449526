using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Database;
using Incus.Daemon.Remote;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Incus.Tests.Unit;

/// <summary>
/// Removing a trusted certificate ends the requests it has running on the TLS listener (an events
/// websocket, an operation wait): those passed their trust check before the removal.
/// </summary>
public sealed class TlsRevocationTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    /// <summary>Records aborts instead of dropping a connection.</summary>
    private sealed class AbortRecorder : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; }

        public int Aborts { get; private set; }

        public void Abort() => Aborts++;
    }

    private static X509Certificate2 NewCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static (DefaultHttpContext Context, AbortRecorder Lifetime) Request(X509Certificate2? certificate)
    {
        var context = new DefaultHttpContext();
        var lifetime = new AbortRecorder();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Connection.ClientCertificate = certificate;
        return (context, lifetime);
    }

    private static Certificate Trusted(X509Certificate2 certificate, string name) => new()
    {
        Name = name, Type = "client", Fingerprint = CertificateFingerprint.Of(certificate), PemCertificate = CertificateFingerprint.ToPem(certificate),
    };

    [Fact]
    public void RemovingACertificateAbortsOnlyItsOwnRunningRequests()
    {
        using var database = new LocalDatabase(Path.Combine(_directory.Path, "local.db"));
        var store = new TrustStore(database);
        using var removed = NewCertificate("removed");
        using var kept = NewCertificate("kept");
        using var stranger = NewCertificate("stranger");
        Assert.True(store.TryAdd(Trusted(removed, "removed")));
        Assert.True(store.TryAdd(Trusted(kept, "kept")));
        var authenticator = new TlsClientAuthenticator(store);

        var (removedEvents, removedEventsLifetime) = Request(removed);
        var (removedWait, removedWaitLifetime) = Request(removed);
        var (keptEvents, keptLifetime) = Request(kept);
        var (strangerRequest, strangerLifetime) = Request(stranger);
        var (anonymous, anonymousLifetime) = Request(null);
        Assert.True(authenticator.Authenticate(removedEvents, out _)!.Trusted);
        Assert.True(authenticator.Authenticate(removedWait, out _)!.Trusted);
        Assert.True(authenticator.Authenticate(keptEvents, out _)!.Trusted);
        Assert.False(authenticator.Authenticate(strangerRequest, out _)!.Trusted);
        Assert.False(authenticator.Authenticate(anonymous, out _)!.Trusted);

        // Another certificate's removal, and a fingerprint the store does not hold, abort nothing of these.
        Assert.False(store.Remove(CertificateFingerprint.Of(stranger)));
        Assert.Equal(0, removedEventsLifetime.Aborts + removedWaitLifetime.Aborts + keptLifetime.Aborts);

        Assert.True(store.Remove(CertificateFingerprint.Of(removed)));
        Assert.Equal(1, removedEventsLifetime.Aborts);
        Assert.Equal(1, removedWaitLifetime.Aborts);
        Assert.Equal(0, keptLifetime.Aborts);
        Assert.Equal(0, strangerLifetime.Aborts + anonymousLifetime.Aborts);

        // Its next request is untrusted; the kept certificate's still trusted.
        Assert.False(authenticator.Authenticate(Request(removed).Context, out _)!.Trusted);
        Assert.True(authenticator.Authenticate(Request(kept).Context, out _)!.Trusted);
    }

    public void Dispose() => _directory.Dispose();
}

using System.Net.Security;
using System.Security.Authentication;
using Incus.Daemon.Server;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Incus.Daemon.Remote;

/// <summary>
/// The TLS settings of the remote API: TLS 1.2 or 1.3 only, forward-secret AEAD suites only, and a
/// client certificate requested but never required, since untrusted clients may still read public
/// images. Any client certificate is accepted at the handshake; trust is decided per request.
/// </summary>
public static class TlsPolicy
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static readonly CipherSuitesPolicy CipherSuites = new(
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

    public static HttpsConnectionAdapterOptions For(ServerIdentity identity) => new()
    {
        ServerCertificate = identity.Certificate,
        SslProtocols = Protocols,
        ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
        // Self-signed client certificates are the norm; the trust store, not a CA, decides.
        ClientCertificateValidation = (_, _, _) => true,
        CheckCertificateRevocation = false,
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        OnAuthenticate = (_, options) => options.CipherSuitesPolicy = CipherSuites,
    };
}

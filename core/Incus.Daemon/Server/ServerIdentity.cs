using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Incus.Api;
using Incus.Platform;

namespace Incus.Daemon.Server;

/// <summary>The server's TLS certificate with its key, as the supervisor wrote them (see docs/decisions/0003).</summary>
public sealed class ServerIdentity(X509Certificate2 certificate) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;
    public string Fingerprint { get; } = CertificateFingerprint.Of(certificate);
    public string Pem { get; } = CertificateFingerprint.ToPem(certificate);

    /// <summary>Null, with the reason, when the files are missing or unreadable: the daemon still serves its socket.</summary>
    public static ServerIdentity? TryLoad(DaemonLayout layout, out string? error)
    {
        error = null;
        try
        {
            return new ServerIdentity(X509Certificate2.CreateFromPemFile(layout.ServerCertificate, layout.ServerKey));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot load the server certificate {layout.ServerCertificate} and key {layout.ServerKey}: {ex.Message}";
            return null;
        }
    }

    public void Dispose() => Certificate.Dispose();
}

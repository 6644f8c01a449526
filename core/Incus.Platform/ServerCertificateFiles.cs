using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Incus.Platform;

/// <summary>
/// The server's TLS certificate and key in INCUS_DIR. INCUS_DIR is root's, so the supervisor writes
/// them; the key then belongs to the core's user with mode 0600, so the core can read it and no one
/// else can (root aside). Repaired on every start, so a loosened mode does not survive a restart.
/// </summary>
public static class ServerCertificateFiles
{
    private const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode CertificateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates the pair when either file is missing; returns true when it generated a new pair.</summary>
    public static bool Ensure(DaemonLayout layout, uint coreUid, uint coreGid, string hostName)
    {
        bool generated = false;
        if (!File.Exists(layout.ServerCertificate) || !File.Exists(layout.ServerKey))
        {
            var (certificatePem, keyPem) = Generate(hostName, DateTimeOffset.UtcNow);
            // The key goes first and the certificate last: a crash in between leaves no certificate, so the next start regenerates both.
            File.Delete(layout.ServerCertificate);
            WriteAtomically(layout.ServerKey, keyPem, KeyMode, coreUid, coreGid);
            WriteAtomically(layout.ServerCertificate, certificatePem, CertificateMode, 0, 0);
            generated = true;
        }
        File.SetUnixFileMode(layout.ServerKey, KeyMode);
        FileOwnership.Chown(layout.ServerKey, coreUid, coreGid);
        File.SetUnixFileMode(layout.ServerCertificate, CertificateMode);
        return generated;
    }

    /// <summary>
    /// A self-signed ECDSA P-384 certificate valid for ten years. The host name is the first DNS
    /// name: Go clients (lxc) that pin the certificate verify it against that name.
    /// </summary>
    public static (string CertificatePem, string KeyPem) Generate(string hostName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest(new X500DistinguishedName($"O=Incus, CN=root@{Sanitize(hostName)}"), key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Sanitize(hostName));
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName("localhost");
        }
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key),
            now.AddDays(-1), now.AddYears(10), serial);
        return (certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>Host names can hold characters a DNS name or an RDN must not; fall back to a fixed name.</summary>
    private static string Sanitize(string hostName) =>
        hostName.Length is > 0 and <= 253 && hostName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? hostName : "incus";

    private static void WriteAtomically(string path, string content, UnixFileMode mode, uint uid, uint gid)
    {
        string temporary = path + ".new";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        }))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        FileOwnership.Chown(temporary, uid, gid);
        File.Move(temporary, path, overwrite: true);
    }
}

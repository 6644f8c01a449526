using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Incus.Api;

/// <summary>Certificates are identified by the SHA-256 of their DER encoding, in lower-case hex.</summary>
public static class CertificateFingerprint
{
    public static string Of(X509Certificate2 certificate) => Of(certificate.RawData);

    public static string Of(ReadOnlySpan<byte> der) => Convert.ToHexStringLower(SHA256.HashData(der));

    /// <summary>Parses PEM, or base64 DER as Incus accepts on POST; null when it is neither.</summary>
    public static X509Certificate2? Parse(string text)
    {
        try
        {
            return text.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    public static string ToPem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";
}

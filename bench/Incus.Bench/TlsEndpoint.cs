using System.Security.Cryptography.X509Certificates;

namespace Incus.Bench;

/// <summary>
/// A TLS target: host and port, and the client certificate to present (null: measure as an untrusted client).
/// <paramref name="NetworkNamespace"/> names the namespace the address is in (null: the benchmark's own).
/// </summary>
public sealed record TlsEndpoint(string Host, int Port, X509Certificate2? ClientCertificate, string? NetworkNamespace = null);

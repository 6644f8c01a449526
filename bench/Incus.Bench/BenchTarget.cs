namespace Incus.Bench;

/// <summary>
/// A server to measure: <paramref name="Name"/> is "ours" or "lxd" and labels table rows and JSON records.
/// <paramref name="SocketPath"/> is the Unix socket, or for a TLS target the https URL it is shown as.
/// </summary>
public sealed record BenchTarget(string Name, string SocketPath, TlsEndpoint? Tls = null)
{
    public static BenchTarget Over(string name, string? socketPath, TlsEndpoint? tls) =>
        tls is null ? new BenchTarget(name, socketPath!) : new BenchTarget(name, $"https://{tls.Host}:{tls.Port}", tls);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Incus.Bench.Suite;

/// <summary>
/// Readies ours and LXD's TLS listeners for the TLS <c>GET /1.0</c> figure (issue 8): a listener on a
/// loopback address and one client certificate that both trust, so both serve the full trusted answer.
/// Every change to a daemon that outlives the suite (a trusted certificate, a listener LXD did not have)
/// is handed back as a cleanup step.
/// </summary>
public static class TlsTargets
{
    private const string CertificateName = "incus-bench";
    private const int DefaultPort = 8443;

    /// <summary>A fresh self-signed client certificate (ECDSA P-256), as <c>incus remote add</c> makes one.</summary>
    public static X509Certificate2 NewClientCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=incus-bench", key, HashAlgorithmName.SHA256);
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the private key is one SslStream can present as a client certificate.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// Our throwaway daemon (<paramref name="networkNamespace"/> given): listens on 127.0.0.1 in its namespace.
    /// A running daemon (--socket): measured on its own core.https_address, which the suite does not change.
    /// </summary>
    /// <returns>The endpoint, or null and why not.</returns>
    public static async Task<(TlsEndpoint? Endpoint, string? Why)> PrepareOursAsync(UnixSocketApi api, string? networkNamespace,
        X509Certificate2 client, List<Func<Task>> cleanups, CancellationToken cancellationToken)
    {
        TlsEndpoint endpoint;
        if (networkNamespace is not null)
        {
            // A new namespace has its loopback down.
            (await ExternalProgram.RunAsync("/bin/ip", ["netns", "exec", networkNamespace, "/bin/ip", "link", "set", "lo", "up"], cancellationToken))
                .EnsureSuccess("ip link set lo up in the daemon's namespace");
            string address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{DefaultPort}");
            await api.RunAsync(HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["core.https_address"] = address } }, cancellationToken);
            endpoint = new TlsEndpoint("127.0.0.1", DefaultPort, client, networkNamespace);
        }
        else
        {
            string configured = await HttpsAddressAsync(api, cancellationToken);
            if (configured.Length == 0)
            {
                return (null, "our TLS not measured: the daemon at --socket has no core.https_address (the suite does not change a running daemon's listener)");
            }

            endpoint = LoopbackEndpoint(configured, client);
        }

        await TrustAsync(api, client, cleanups, cancellationToken);
        return (endpoint, null);
    }

    /// <summary>
    /// LXD on its core.https_address; when it has none, on a free loopback port for the run only. An LXD run
    /// in its own network namespace (as ../shared/baseline-lxd does) is reached in that namespace, named by
    /// <paramref name="networkNamespace"/>, since its loopback is not the benchmark's.
    /// </summary>
    public static async Task<(TlsEndpoint? Endpoint, string? Why)> PrepareLxdAsync(UnixSocketApi api, X509Certificate2 client,
        string? networkNamespace, List<Func<Task>> cleanups, CancellationToken cancellationToken)
    {
        string configured = await HttpsAddressAsync(api, cancellationToken);
        if (configured.Length == 0)
        {
            configured = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{FreeLoopbackPort()}");
            string? failure = await api.TryRunAsync(HttpMethod.Patch, "/1.0",
                new { config = new Dictionary<string, string> { ["core.https_address"] = configured } }, cancellationToken);
            if (failure is not null)
            {
                return (null, $"LXD TLS not measured: setting its core.https_address to {configured} failed: {failure}");
            }

            cleanups.Add(() => MustSucceedAsync(api, HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["core.https_address"] = "" } }));
        }

        await TrustAsync(api, client, cleanups, cancellationToken);
        return (LoopbackEndpoint(configured, client) with { NetworkNamespace = networkNamespace }, null);
    }

    /// <summary>The name under /run/netns of the namespace <paramref name="pid"/> runs in; null for the benchmark's own.</summary>
    public static async Task<string?> NamedNetworkNamespaceOfAsync(int pid, CancellationToken cancellationToken)
    {
        string name = (await ExternalProgram.RunAsync("/bin/ip", ["netns", "identify", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken))
            .Output.Trim();
        return name.Length == 0 ? null : name;
    }

    /// <summary>
    /// A <c>core.https_address</c> as something to connect to: a wildcard host becomes loopback of its
    /// family, and a missing port is the default 8443, as both daemons read it.
    /// </summary>
    public static TlsEndpoint LoopbackEndpoint(string address, X509Certificate2? client)
    {
        string host = address;
        int port = DefaultPort;
        if (address.StartsWith('['))
        {
            int close = address.IndexOf(']', StringComparison.Ordinal);
            host = address[1..close];
            if (address.Length > close + 2 && address[close + 1] == ':')
            {
                port = int.Parse(address.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        else if (address.Count(c => c == ':') == 1)
        {
            int colon = address.IndexOf(':', StringComparison.Ordinal);
            host = address[..colon];
            port = int.Parse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        }

        host = host switch
        {
            "" or "0.0.0.0" => "127.0.0.1",
            "::" => "::1",
            _ => host,
        };
        return new TlsEndpoint(host, port, client);
    }

    private static async Task<string> HttpsAddressAsync(UnixSocketApi api, CancellationToken cancellationToken)
    {
        ApiAnswer server = await api.GetAsync("/1.0", cancellationToken);
        return server.Body.GetProperty("metadata").GetProperty("config").TryGetProperty("core.https_address", out JsonElement value)
            ? value.GetString() ?? ""
            : "";
    }

    /// <summary>Trusts the client certificate over the Unix socket, as an admin would, and removes it afterwards.</summary>
    private static async Task TrustAsync(UnixSocketApi api, X509Certificate2 client, List<Func<Task>> cleanups, CancellationToken cancellationToken)
    {
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(client.RawData));
        // Base64 DER is what LXD 5.0 accepts; our daemon takes it too.
        await api.RunAsync(HttpMethod.Post, "/1.0/certificates",
            new { type = "client", name = CertificateName, certificate = Convert.ToBase64String(client.RawData) }, cancellationToken);
        cleanups.Add(() => MustSucceedAsync(api, HttpMethod.Delete, $"/1.0/certificates/{fingerprint}", null));
    }

    /// <summary>A cleanup step whose failure the suite reports (it notes every failed step) rather than drops.</summary>
    private static async Task MustSucceedAsync(UnixSocketApi api, HttpMethod method, string path, object? body)
    {
        if (await api.TryRunAsync(method, path, body, CancellationToken.None) is string failure)
        {
            throw new BenchmarkFailedException($"{method} {path} on {api.SocketPath}: {failure}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

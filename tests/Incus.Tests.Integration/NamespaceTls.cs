using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// TLS clients (curl, openssl) run inside a daemon's network namespace, where its listener is, and
/// client certificates made with openssl for them.
/// </summary>
public sealed class NamespaceTls(RunningDaemon daemon, string workDirectory)
{
    public sealed record Answer(int Status, JsonElement Body)
    {
        public JsonElement Metadata => Body.GetProperty("metadata");
        public string Error => Body.GetProperty("error").GetString() ?? "";
    }

    public sealed record ClientCertificate(string CertificatePath, string KeyPath);

    public Task<Command.Result> InNamespaceAsync(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? input = null, TimeSpan? timeout = null) =>
        Command.RunAsync("/bin/ip", new[] { "netns", "exec", daemon.Namespace, program }.Concat(arguments), environment, input, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>A fresh self-signed client certificate (ECDSA P-256), as any client could make.</summary>
    public async Task<ClientCertificate> NewClientCertificateAsync(string name)
    {
        string certificate = Path.Combine(workDirectory, $"{name}.crt"), key = Path.Combine(workDirectory, $"{name}.key");
        (await Command.RunAsync("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", $"/CN={name}")).EnsureSuccess("openssl req");
        return new ClientCertificate(certificate, key);
    }

    /// <summary>An HTTPS request with curl; the server certificate is not checked (the tests check the fingerprint elsewhere).</summary>
    public async Task<Answer> SendAsync(string address, HttpMethod method, string path, string? body = null, ClientCertificate? client = null)
    {
        var arguments = new List<string> { "-sS", "-k", "--max-time", "30", "-X", method.Method, "-w", "\n%{http_code}" };
        if (client is not null)
        {
            arguments.AddRange(["--cert", client.CertificatePath, "--key", client.KeyPath]);
        }
        if (body is not null)
        {
            arguments.AddRange(["-H", "Content-Type: application/json", "--data-binary", body]);
        }
        arguments.Add($"https://{address}{path}");
        var result = await InNamespaceAsync("/usr/bin/curl", arguments);
        if (result.ExitCode != 0)
        {
            throw new HttpRequestException($"curl {method} https://{address}{path} failed ({result.ExitCode}): {result.Error}");
        }
        int split = result.Output.LastIndexOf('\n');
        int status = int.Parse(result.Output[(split + 1)..].Trim());
        string text = result.Output[..split];
        return new Answer(status, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<Answer> GetAsync(string address, string path, ClientCertificate? client = null) => SendAsync(address, HttpMethod.Get, path, null, client);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Incus.Api;

namespace Incus.Cli;

/// <summary>
/// HTTP to a daemon: over its Unix socket, or over TLS to a remote with the client certificate and
/// the remote's pinned server certificate. Errors come out as messages a user can act on.
/// </summary>
public sealed class IncusClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly SocketsHttpHandler _handler;
    private readonly Uri _webSocketBase;

    public IncusClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw Explain(ex);
                }
            },
        };
        _handler = handler;
        _webSocketBase = new Uri("ws://unix.socket");
        _http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri("http://unix.socket") };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Incus", ClientVersion.Current));
    }

    /// <summary>
    /// A remote over TLS. The server must present the certificate whose SHA-256 fingerprint is
    /// <paramref name="pinnedFingerprint"/>; with null, any certificate is accepted and reported through
    /// <see cref="ServerCertificate"/> (used only while adding a remote, before anything is sent that matters).
    /// </summary>
    public IncusClient(Uri address, X509Certificate2 clientCertificate, string? pinnedFingerprint)
    {
        SocketPath = address.ToString();
        _handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { clientCertificate },
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }
                    var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    ServerCertificate = presented;
                    return pinnedFingerprint is null || CertificateFingerprint.Of(presented) == pinnedFingerprint;
                },
            },
        };
        _webSocketBase = new UriBuilder(address) { Scheme = "wss", Path = "" }.Uri;
        _http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = address };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Incus", ClientVersion.Current));
    }

    /// <summary>Where this client connects: the socket path or the remote's URL.</summary>
    public string SocketPath { get; }

    /// <summary>The certificate the remote presented on the last TLS handshake.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>A client for <paramref name="remote"/>, or for the default remote; <c>local</c> is the Unix socket.</summary>
    public static IncusClient Connect(string? remote = null)
    {
        var config = ClientConfig.Load();
        string name = remote ?? (Environment.GetEnvironmentVariable("INCUS_REMOTE") is { Length: > 0 } chosen ? chosen : config.File.DefaultRemote);
        if (name == ClientConfig.LocalRemote)
        {
            return new IncusClient(DefaultSocketPath());
        }
        var entry = config.Find(name) ?? throw new CliException($"Remote {name} doesn't exist");
        var pinned = config.PinnedServerCertificate(name)
            ?? throw new CliException($"No pinned server certificate for remote {name} ({config.ServerCertificatePath(name)}); remove and add the remote again");
        return new IncusClient(new Uri(entry.Address), config.ClientCertificate(), CertificateFingerprint.Of(pinned));
    }

    /// <summary>INCUS_SOCKET, else $INCUS_DIR/unix.socket, else the default.</summary>
    public static string DefaultSocketPath()
    {
        if (Environment.GetEnvironmentVariable("INCUS_SOCKET") is { Length: > 0 } socket)
        {
            return socket;
        }
        string dir = Environment.GetEnvironmentVariable("INCUS_DIR") is { Length: > 0 } d ? d : "/var/lib/incus";
        return Path.Combine(dir, "unix.socket");
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        var (envelope, _) = await ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        return envelope.Metadata ?? default;
    }

    /// <summary>GET that also returns the object's ETag, for a later PUT with If-Match.</summary>
    public async Task<(JsonElement Metadata, string? ETag)> GetWithEtagAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var (envelope, etag) = await ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        return (envelope.Metadata ?? default, etag);
    }

    /// <summary>
    /// PUT that replaces an object only if it still has <paramref name="etag"/> (the daemon answers 412
    /// otherwise), and waits for the operation when the daemon answers with one.
    /// </summary>
    public async Task PutIfMatchAsync(string path, string body, string? etag, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
        var (envelope, _) = await ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        if (envelope.Type == "async")
        {
            await WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(ResponseEnvelope Envelope, string? ETag)> ExchangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is CliException cli)
        {
            throw cli;
        }
        catch (HttpRequestException ex) when (_webSocketBase.Scheme == "wss")
        {
            throw new CliException($"cannot reach {SocketPath}: {ex.InnerException?.Message ?? ex.Message}");
        }
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            ResponseEnvelope? envelope;
            try
            {
                envelope = JsonSerializer.Deserialize<ResponseEnvelope>(text, ApiJson.Options);
            }
            catch (JsonException)
            {
                throw new CliException($"the daemon answered {(int)response.StatusCode} with a body that is not an Incus response");
            }
            if (envelope is null)
            {
                throw new CliException($"the daemon answered {(int)response.StatusCode} with an empty body");
            }
            if (envelope.Type == "error")
            {
                throw new CliException(envelope.Error);
            }
            return (envelope, response.Headers.ETag?.Tag);
        }
    }

    /// <summary>True when GET answers 200, false on 404; other answers are errors.</summary>
    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            var other => throw new CliException($"GET {path} answered {(int)other}"),
        };
    }

    /// <summary>Sends a raw body (an image upload) and returns the envelope's operation URL, or the metadata for sync answers.</summary>
    public async Task<ResponseEnvelope> SendStreamAsync(HttpMethod method, string path, Stream body, IDictionary<string, string> headers,
        CancellationToken cancellationToken = default, string contentType = "application/octet-stream")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StreamContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is CliException cli)
        {
            throw cli;
        }
        using (response)
        {
            var envelope = JsonSerializer.Deserialize<ResponseEnvelope>(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), ApiJson.Options)
                ?? throw new CliException($"the daemon answered {(int)response.StatusCode} with an empty body");
            return envelope.Type == "error" ? throw new CliException(envelope.Error) : envelope;
        }
    }

    /// <summary>Waits for an operation to end; throws with its error when it failed.</summary>
    public async Task<JsonElement> WaitAsync(string operationUrl, CancellationToken cancellationToken = default)
    {
        var operation = await GetAsync($"{operationUrl}/wait?timeout=-1", cancellationToken).ConfigureAwait(false);
        if (operation.GetProperty("status_code").GetInt32() != 200)
        {
            throw new CliException(operation.GetProperty("err").GetString() is { Length: > 0 } err ? err : "the operation failed");
        }
        return operation;
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken = default) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    private CliException Explain(SocketException ex) => ex.SocketErrorCode switch
    {
        _ when !File.Exists(SocketPath) =>
            new CliException($"the Incus daemon doesn't appear to be running ({SocketPath} does not exist). Start it with: incusd"),
        SocketError.AccessDenied => new CliException(
            $"permission denied on {SocketPath}: your user may not use the Incus daemon. Add it to the incus-admin group " +
            "(usermod -aG incus-admin $USER) and log in again."),
        SocketError.AddressNotAvailable or SocketError.ConnectionRefused =>
            new CliException($"the Incus daemon doesn't appear to be running (nothing answers on {SocketPath}). Start it with: incusd"),
        _ => new CliException($"cannot connect to {SocketPath}: {ex.Message}"),
    };

    /// <summary>Opens a websocket on the daemon's socket (events, exec streams).</summary>
    public async Task<System.Net.WebSockets.ClientWebSocket> ConnectWebSocketAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var socket = new System.Net.WebSockets.ClientWebSocket();
        using var invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
        await socket.ConnectAsync(new Uri(_webSocketBase, pathAndQuery), invoker, cancellationToken).ConfigureAwait(false);
        return socket;
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}

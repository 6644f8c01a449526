using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Incus.Bench.Suite;

/// <summary>
/// A small REST client for a daemon's Unix socket (ours or LXD): sends a request, and for an async
/// answer waits for the operation through <c>/wait</c>, which both daemons implement.
/// </summary>
public sealed class UnixSocketApi : IDisposable
{
    private readonly HttpClient _client;

    public UnixSocketApi(string socketPath, int maxConnections = 4)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // Operations such as starting 30 containers can take a while; /wait has its own timeout below.
        _client = new HttpClient(handler) { BaseAddress = new Uri("http://unix.socket"), Timeout = TimeSpan.FromMinutes(3) };
    }

    public string SocketPath { get; }

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await _client.SendAsync(request, cancellationToken);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        JsonElement document = bytes.Length == 0 ? default : JsonDocument.Parse(bytes).RootElement.Clone();
        return new ApiAnswer((int)response.StatusCode, document);
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends a request and, when it is accepted as an operation, waits for that operation to end.</summary>
    /// <exception cref="BenchmarkFailedException">The request or its operation failed.</exception>
    public async Task RunAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        string? failure = await TryRunAsync(method, path, body, cancellationToken);
        if (failure is not null)
        {
            throw new BenchmarkFailedException($"{method} {path} on {SocketPath}: {failure}");
        }
    }

    /// <returns>Null on success, else what went wrong (for callers that count errors instead of stopping).</returns>
    public async Task<string?> TryRunAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        ApiAnswer answer = await SendAsync(method, path, body, cancellationToken);
        if (answer.Status is not (200 or 201 or 202))
        {
            return $"{answer.Status} {answer.ErrorText}";
        }

        if (answer.Status != 202)
        {
            return null;
        }

        string operation = answer.Body.GetProperty("operation").GetString() ?? "";
        ApiAnswer done = await GetAsync($"{operation}/wait?timeout=120", cancellationToken);
        if (done.Status != 200)
        {
            return $"waiting for {operation}: {done.Status} {done.ErrorText}";
        }

        JsonElement metadata = done.Body.GetProperty("metadata");
        return metadata.GetProperty("status").GetString() == "Success" ? null : $"operation failed: {metadata.GetProperty("err").GetString()}";
    }

    public void Dispose() => _client.Dispose();
}

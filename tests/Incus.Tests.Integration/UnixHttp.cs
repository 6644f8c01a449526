using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>HTTP over a Unix socket, returning the status and the parsed Incus envelope.</summary>
public static class UnixHttp
{
    public sealed record Answer(int Status, JsonElement Body, HttpResponseMessage Message)
    {
        public JsonElement Metadata => Body.GetProperty("metadata");
        public string Error => Body.GetProperty("error").GetString() ?? "";
    }

    public static SocketsHttpHandler Handler(string socketPath) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    public static async Task<Answer> SendAsync(string socketPath, HttpMethod method, string path, string? body = null,
        IDictionary<string, string>? headers = null)
    {
        using var client = new HttpClient(Handler(socketPath)) { BaseAddress = new Uri("http://unix.socket"), Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement parsed;
        try
        {
            parsed = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} with non-JSON: {text}", ex);
        }
        return new Answer((int)response.StatusCode, parsed, response);
    }

    public static Task<Answer> GetAsync(string socketPath, string path) => SendAsync(socketPath, HttpMethod.Get, path);
}

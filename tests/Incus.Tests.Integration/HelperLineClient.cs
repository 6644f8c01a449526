using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>A raw newline-delimited JSON-RPC connection, so tests can send what no typed client would.</summary>
public sealed class HelperLineClient : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly NetworkStream _stream;

    private HelperLineClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<HelperLineClient> ConnectAsync(string socketPath)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                return new HelperLineClient(socket);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Sends one raw line and returns the answer line parsed, or null if the helper closed the connection.</summary>
    public async Task<JsonElement?> ExchangeAsync(string line)
    {
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }
        catch (IOException)
        {
            return null;
        }
        return await ReadAsync();
    }

    public async Task<JsonElement?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? answer;
        try
        {
            answer = await _reader.ReadLineAsync(timeout.Token);
        }
        catch (IOException)
        {
            return null;
        }
        return answer is null ? null : JsonDocument.Parse(answer).RootElement.Clone();
    }

    /// <summary>A request the way the core's typed client sends it: the one DTO argument, positionally.</summary>
    public static string Call(int id, string method, object? argument) => Request(id, method, argument is null ? Array.Empty<object?>() : new[] { argument });

    /// <summary>A request with exactly the given <c>params</c> value, whatever its shape.</summary>
    public static string Request(int id, string method, object? parameters) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }
}

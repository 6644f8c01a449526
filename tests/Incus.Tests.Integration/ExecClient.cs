using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// One exec session driven through the real API: the POST, the operation's websockets and the wait,
/// with the output collected as it arrives so tests can wait for a prompt or an answer.
/// </summary>
public sealed class ExecClient : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly HttpMessageInvoker _invoker;
    private readonly Dictionary<string, ClientWebSocket> _sockets;
    private readonly StringBuilder _output = new();
    private readonly Task _reader;

    private ExecClient(string socketPath, HttpMessageInvoker invoker, string operation, JsonElement fds, Dictionary<string, ClientWebSocket> sockets)
    {
        _socketPath = socketPath;
        _invoker = invoker;
        Operation = operation;
        Fds = fds;
        _sockets = sockets;
        _reader = CollectAsync(sockets.ContainsKey("1") ? sockets["1"] : sockets["0"]);
    }

    public string Operation { get; }
    public JsonElement Fds { get; }

    /// <summary>Everything received on the output stream so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ExecClient> StartAsync(string socketPath, string instance, object request)
    {
        var accepted = await UnixHttp.SendAsync(socketPath, HttpMethod.Post, $"/1.0/instances/{instance}/exec", JsonSerializer.Serialize(request));
        Assert.True(accepted.Status == 202, $"exec answered {accepted.Status}: {accepted.Body}");
        string operation = accepted.Body.GetProperty("operation").GetString()!;
        var fds = accepted.Metadata.GetProperty("metadata").GetProperty("fds").Clone();
        var invoker = new HttpMessageInvoker(UnixHttp.Handler(socketPath));
        var sockets = new Dictionary<string, ClientWebSocket>();
        foreach (var fd in fds.EnumerateObject())
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://unix.socket{operation}/websocket?secret={fd.Value.GetString()}"), invoker, CancellationToken.None);
            sockets[fd.Name] = socket;
        }
        return new ExecClient(socketPath, invoker, operation, fds, sockets);
    }

    public ClientWebSocket Socket(string stream) => _sockets[stream];

    public Task SendInputAsync(string text) =>
        _sockets["0"].SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task SendControlAsync(string json) =>
        _sockets["control"].SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Waits until the output, from <paramref name="from"/> on, contains <paramref name="text"/>; returns where it ends.</summary>
    public async Task<int> WaitForOutputAsync(string text, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            string output = Output;
            int at = output.IndexOf(text, from, StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + text.Length;
            }
            if (DateTime.UtcNow > deadline || _reader.IsCompleted)
            {
                throw new TimeoutException($"\"{text}\" did not appear in the output: {JsonSerializer.Serialize(output)}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the operation and returns the command's exit status (metadata.return).</summary>
    public async Task<int> ReturnAsync()
    {
        var done = await UnixHttp.GetAsync(_socketPath, $"{Operation}/wait?timeout=60");
        Assert.True(done.Metadata.GetProperty("status").GetString() == "Success", $"exec operation: {done.Body}");
        await _reader.WaitAsync(TimeSpan.FromSeconds(30));
        return done.Metadata.GetProperty("metadata").GetProperty("return").GetInt32();
    }

    private async Task CollectAsync(ClientWebSocket socket)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                lock (_output)
                {
                    _output.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
                }
            }
        }
        catch (WebSocketException)
        {
            // The daemon dropped the connection with the operation; the output so far is what there is.
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Abort();
            socket.Dispose();
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        _invoker.Dispose();
    }
}

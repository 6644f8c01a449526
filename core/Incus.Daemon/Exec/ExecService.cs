using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Incus.Daemon.Api;
using Incus.Daemon.Helpers;
using Incus.Daemon.Operations;
using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Exec;

/// <summary>
/// The Incus exec API: an operation of class <c>websocket</c> with one secret per stream. Without a
/// terminal the streams are 0, 1 and 2 (stdin, stdout, stderr) and control; with one (interactive)
/// they are 0, carrying the terminal both ways, and control. When all are connected, the LXC helper
/// starts the command and its stdio is relayed between the websockets and the helper's one-use
/// socket; control messages (window size, signals) go the same way; the exit status ends up in the
/// operation's <c>metadata.return</c>.
/// </summary>
public sealed class ExecService(HelperConnection<IContainerHelper> runtime, OperationManager operations, DaemonLayout layout, ILogger log)
{
    private const string Control = "control";
    private const int SigKill = 9;
    private static readonly string[] PipeStreams = ["0", "1", "2", Control];
    private static readonly string[] TerminalStreams = ["0", Control];
    private readonly ConcurrentDictionary<string, ExecSessionState> _sessions = new();

    private sealed class ExecSessionState(Dictionary<string, string> secrets, bool interactive)
    {
        public Dictionary<string, string> Secrets { get; } = secrets;
        public bool Interactive { get; } = interactive;
        public ConcurrentDictionary<string, WebSocket> Sockets { get; } = new();
        public TaskCompletionSource AllConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenSource CommandEnded { get; } = new();
    }

    public TrackedOperation Start(string instance, ExecRequest request)
    {
        if (request.Command is not { Count: > 0 })
        {
            throw ApiException.BadRequest("No command given");
        }
        if (!request.WaitForWebsocket || request.RecordOutput)
        {
            throw ApiException.BadRequest("Only exec with wait-for-websocket is supported so far");
        }
        if (!string.IsNullOrEmpty(request.Cwd))
        {
            // lxc-attach has no working-directory option; commands start in "/".
            throw ApiException.BadRequest("Choosing the working directory (cwd) is not supported yet; commands start in /");
        }
        int width = 0, height = 0;
        if (request.Interactive)
        {
            if (request.Width is < 0 or > ExecLimits.MaxWindowDimension || request.Height is < 0 or > ExecLimits.MaxWindowDimension)
            {
                throw ApiException.BadRequest($"width and height must be between 0 and {ExecLimits.MaxWindowDimension}");
            }
            // A size is set only when both are given, as a terminal cannot be 0 wide.
            if (request.Width > 0 && request.Height > 0)
            {
                (width, height) = ((int)request.Width, (int)request.Height);
            }
        }
        string[] streams = request.Interactive ? TerminalStreams : PipeStreams;
        var secrets = streams.ToDictionary(s => s, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        var session = new ExecSessionState(secrets, request.Interactive);
        var spec = new ExecSpec
        {
            Instance = instance,
            Command = request.Command,
            Environment = ExecEnvironment.WithDefaults(request.Environment, request.User),
            Uid = request.User,
            Gid = request.Group,
            Interactive = request.Interactive,
            Width = width,
            Height = height,
        };
        var operation = operations.Start("Executing command", new() { ["instances"] = [$"/1.0/instances/{instance}"] }, false,
            async (op, cancellationToken) =>
            {
                try
                {
                    await session.AllConnected.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                    int exitCode = await RunAsync(spec, session, cancellationToken).ConfigureAwait(false);
                    op.SetMetadata(new Dictionary<string, object> { ["return"] = exitCode });
                }
                finally
                {
                    _sessions.TryRemove(op.Id, out _);
                    session.CommandEnded.Cancel();
                    session.Finished.TrySetResult();
                }
            },
            operationClass: "websocket",
            initialMetadata: new Dictionary<string, object> { ["fds"] = secrets });
        _sessions[operation.Id] = session;
        return operation;
    }

    /// <summary>Serves <c>GET /1.0/operations/{id}/websocket?secret=…</c> until the command has ended.</summary>
    public async Task ServeWebsocketAsync(Microsoft.AspNetCore.Http.HttpContext context, string operationId)
    {
        if (!_sessions.TryGetValue(operationId, out var session))
        {
            throw ApiException.NotFound("Operation not found");
        }
        string? secret = context.Request.Query["secret"];
        string? stream = session.Secrets.FirstOrDefault(s => s.Value == secret).Key;
        if (stream is null || string.IsNullOrEmpty(secret))
        {
            throw ApiException.Forbidden("not authorized: wrong secret");
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("This endpoint is a websocket");
        }
        var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        if (!session.Sockets.TryAdd(stream, socket))
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "stream already connected", CancellationToken.None).ConfigureAwait(false);
            return;
        }
        if (session.Sockets.Count == session.Secrets.Count)
        {
            session.AllConnected.TrySetResult();
        }
        // The request must stay open while the websocket is in use.
        await session.Finished.Task.ConfigureAwait(false);
    }

    private async Task<int> RunAsync(ExecSpec spec, ExecSessionState session, CancellationToken cancellationToken)
    {
        var started = await runtime.CallAsync("StartExec", (lxc, token) => lxc.StartExecAsync(spec, token), cancellationToken, HelperTimeouts.ContainerStart).ConfigureAwait(false);
        using var relay = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await relay.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(layout.RunDirectory, Path.GetFileName(started.SocketName))), cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(relay, ownsSocket: false);
        using var writeGate = new SemaphoreSlim(1, 1);
        var input = ForwardInputAsync(session.Sockets["0"], stream, writeGate, session.Interactive);
        var control = ForwardControlAsync(session.Sockets[Control], stream, writeGate, spec.Instance, session.CommandEnded.Token);
        var output = session.Sockets[session.Interactive ? "0" : "1"];
        var errors = session.Sockets[session.Interactive ? "0" : "2"];
        int exitCode = -1;
        byte[] header = new byte[5];
        while (true)
        {
            try
            {
                await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException)
            {
                break;
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            byte[] data = new byte[length];
            await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            switch (header[0])
            {
                case 1:
                    await output.SendAsync(data, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
                    break;
                case 2:
                    await errors.SendAsync(data, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
                    break;
                case 3:
                    exitCode = int.Parse(Encoding.ASCII.GetString(data), System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
            if (header[0] == 3)
            {
                break;
            }
        }
        session.CommandEnded.Cancel();
        foreach (var socket in session.Sockets.Values)
        {
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
        }
        // The forwarders are not waited for: a client may never answer the close (the lxc client does
        // not read its control socket) and waits for this operation before it hangs up. They end when
        // the websocket requests do, once the operation has finished.
        _ = Task.WhenAll(input, control);
        log.Debug("exec in {Instance} ended with {Code}", spec.Instance, exitCode);
        return exitCode;
    }

    /// <summary>
    /// Input arrives as binary (or text) messages; a close ends it. Without a terminal an empty
    /// message also means end of input, as in Incus; on a terminal it carries nothing.
    /// </summary>
    private static async Task ForwardInputAsync(WebSocket socket, Stream relay, SemaphoreSlim gate, bool interactive)
    {
        byte[] buffer = new byte[32 * 1024];
        try
        {
            bool messageStart = true;
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                bool emptyMessage = messageStart && result.EndOfMessage && result.Count == 0;
                messageStart = result.EndOfMessage;
                if (emptyMessage && !interactive)
                {
                    break;
                }
                if (result.Count > 0)
                {
                    await SendFrameAsync(relay, gate, 0, buffer.AsMemory(0, result.Count)).ConfigureAwait(false);
                }
            }
            await SendFrameAsync(relay, gate, 4, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client or the command went away; the exit status still comes from the helper.
        }
    }

    /// <summary>
    /// Control messages become window-size and signal frames for the helper; messages that are not
    /// understood or ask for too much are logged and skipped. A control connection that breaks
    /// without a close while the command runs means the client is gone: as Incus does, the command
    /// is then killed instead of running on with nobody attached.
    /// </summary>
    private async Task ForwardControlAsync(WebSocket socket, Stream relay, SemaphoreSlim gate, string instance, CancellationToken commandEnded)
    {
        byte[] buffer = new byte[ExecControlMessage.MaxLength + 1];
        byte[] overflow = new byte[16 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    // Once the buffer is full the rest of the message is read into scratch space and
                    // dropped; the parser then sees a message over the limit.
                    var into = length < buffer.Length ? buffer.AsMemory(length) : overflow;
                    result = await socket.ReceiveAsync(into, CancellationToken.None).ConfigureAwait(false);
                    length = Math.Min(length + result.Count, buffer.Length);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                var message = ExecControlMessage.Parse(buffer.AsSpan(0, length));
                switch (message.Action)
                {
                    case ExecControlAction.WindowResize:
                        byte[] size = new byte[4];
                        BinaryPrimitives.WriteUInt16BigEndian(size, message.Columns);
                        BinaryPrimitives.WriteUInt16BigEndian(size.AsSpan(2), message.Rows);
                        await SendFrameAsync(relay, gate, 5, size).ConfigureAwait(false);
                        break;
                    case ExecControlAction.Signal:
                        await SendSignalAsync(relay, gate, message.Signal).ConfigureAwait(false);
                        break;
                    default:
                        log.Debug("exec in {Instance}: ignoring control message: {Problem}", instance, message.Problem);
                        break;
                }
            }
        }
        catch (WebSocketException ex) when (!commandEnded.IsCancellationRequested)
        {
            log.Information("exec in {Instance}: the control connection broke ({Error}); killing the command", instance, ex.Message);
            await SendSignalAsync(relay, gate, SigKill).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The command has ended and the relay with it.
        }
    }

    private static async Task SendSignalAsync(Stream relay, SemaphoreSlim gate, int signal)
    {
        byte[] number = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, signal);
        try
        {
            await SendFrameAsync(relay, gate, 6, number).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The relay is gone, so the command has ended already.
        }
    }

    private static async Task SendFrameAsync(Stream relay, SemaphoreSlim gate, byte type, ReadOnlyMemory<byte> data)
    {
        byte[] header = new byte[5];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), data.Length);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await relay.WriteAsync(header).ConfigureAwait(false);
            await relay.WriteAsync(data).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}

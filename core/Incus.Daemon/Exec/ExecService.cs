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
/// The Incus exec API for non-interactive commands: an operation of class <c>websocket</c> with one
/// secret per stream (0, 1, 2, control). When all four websockets are connected, the LXC helper starts
/// the command and its stdio is relayed between the websockets and the helper's one-use socket; the
/// exit status ends up in the operation's <c>metadata.return</c>.
/// </summary>
public sealed class ExecService(HelperConnection<IContainerHelper> runtime, OperationManager operations, DaemonLayout layout, ILogger log)
{
    private static readonly string[] Streams = ["0", "1", "2", "control"];
    private readonly ConcurrentDictionary<string, ExecSessionState> _sessions = new();

    private sealed class ExecSessionState(Dictionary<string, string> secrets)
    {
        public Dictionary<string, string> Secrets { get; } = secrets;
        public ConcurrentDictionary<string, WebSocket> Sockets { get; } = new();
        public TaskCompletionSource AllConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public TrackedOperation Start(string instance, ExecRequest request)
    {
        if (request.Command is not { Count: > 0 })
        {
            throw ApiException.BadRequest("No command given");
        }
        if (request.Interactive)
        {
            throw ApiException.BadRequest("Interactive exec (a terminal) is not supported yet; run without a terminal");
        }
        if (!request.WaitForWebsocket || request.RecordOutput)
        {
            throw ApiException.BadRequest("Only exec with wait-for-websocket is supported so far");
        }
        var secrets = Streams.ToDictionary(s => s, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        var session = new ExecSessionState(secrets);
        var spec = new ExecSpec
        {
            Instance = instance,
            Command = request.Command,
            Environment = request.Environment ?? new Dictionary<string, string>(),
            Uid = request.User,
            Gid = request.Group,
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
        if (session.Sockets.Count == Streams.Length)
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
        var stdin = ForwardStdinAsync(session.Sockets["0"], stream, writeGate);
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
                    await session.Sockets["1"].SendAsync(data, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
                    break;
                case 2:
                    await session.Sockets["2"].SendAsync(data, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
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
        foreach (var socket in session.Sockets.Values)
        {
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
        }
        await stdin.ConfigureAwait(false);
        log.Debug("exec in {Instance} ended with {Code}", spec.Instance, exitCode);
        return exitCode;
    }

    /// <summary>stdin arrives as binary messages; an empty message or a close means end of input.</summary>
    private static async Task ForwardStdinAsync(WebSocket socket, Stream relay, SemaphoreSlim gate)
    {
        byte[] buffer = new byte[32 * 1024];
        byte[] header = new byte[5];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close || (result.Count == 0 && result.EndOfMessage))
                {
                    break;
                }
                header[0] = 0;
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), result.Count);
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await relay.WriteAsync(header).ConfigureAwait(false);
                    await relay.WriteAsync(buffer.AsMemory(0, result.Count)).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }
            header[0] = 4;
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), 0);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await relay.WriteAsync(header).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The client or the command went away; the exit status still comes from the helper.
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

using System.CommandLine;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Incus.Cli;

/// <summary>
/// <c>incus exec NAME [--env K=V] [-t|-T] -- COMMAND…</c>: runs a command in an instance and exits with
/// its status. As in Incus, the command gets a terminal when stdin and stdout are both terminals
/// (or with -t); then the local terminal is raw while it runs, window-size changes follow it and
/// SIGHUP, SIGINT, SIGQUIT and SIGTERM are passed on to the command.
/// </summary>
public static class ExecCommand
{
    private static readonly (PosixSignal Signal, int Number)[] ForwardedSignals =
        [(PosixSignal.SIGHUP, 1), (PosixSignal.SIGINT, 2), (PosixSignal.SIGQUIT, 3), (PosixSignal.SIGTERM, 15)];

    public static Command Build()
    {
        var name = new Argument<string>("instance");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var env = new Option<string[]>("--env") { Description = "Environment variable KEY=VALUE (repeatable)" };
        var forceInteractive = new Option<bool>("--force-interactive", "-t") { Description = "Force pseudo-terminal allocation" };
        var forceNonInteractive = new Option<bool>("--force-noninteractive", "-T") { Description = "Disable pseudo-terminal allocation" };
        var exec = new Command("exec", "Run a command in an instance; exits with the command's status")
        {
            name, command, env, forceInteractive, forceNonInteractive,
        };
        exec.SetAction(async (result, cancellationToken) =>
        {
            bool interactive = ChooseInteractive(result.GetValue(forceInteractive), result.GetValue(forceNonInteractive),
                LocalTerminal.IsTerminal(LocalTerminal.Stdin), LocalTerminal.IsTerminal(LocalTerminal.Stdout));
            using var client = IncusClient.Connect();
            var environment = Commands.ParsePairs(result.GetValue(env) ?? []);
            string instance = result.GetValue(name)!;
            string[] argv = result.GetValue(command)!;
            return interactive
                ? await RunInteractiveAsync(client, instance, argv, environment, cancellationToken).ConfigureAwait(false)
                : await RunNonInteractiveAsync(client, instance, argv, environment, cancellationToken).ConfigureAwait(false);
        });
        return exec;
    }

    /// <summary>Incus's rule: -t or -T decide; otherwise a terminal only when stdin and stdout are both terminals.</summary>
    internal static bool ChooseInteractive(bool forceInteractive, bool forceNonInteractive, bool stdinTerminal, bool stdoutTerminal)
    {
        if (forceInteractive && forceNonInteractive)
        {
            throw new CliException("You can't pass -t and -T at the same time");
        }
        return forceInteractive || (!forceNonInteractive && stdinTerminal && stdoutTerminal);
    }

    /// <summary>The control message for a new window size; Incus sends the numbers as strings.</summary>
    internal static string WindowResizeMessage(int columns, int rows) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["command"] = "window-resize",
            ["args"] = new Dictionary<string, string>
            {
                ["width"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["height"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });

    internal static string SignalMessage(int signal) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["command"] = "signal", ["signal"] = signal });

    private static async Task<(string Operation, JsonElement Fds)> StartAsync(IncusClient client, string instance, Dictionary<string, object> body,
        CancellationToken cancellationToken)
    {
        var envelope = await client.SendStreamAsync(HttpMethod.Post, $"/1.0/instances/{Uri.EscapeDataString(instance)}/exec",
            new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body))), new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
        return (envelope.Operation, envelope.Metadata!.Value.GetProperty("metadata").GetProperty("fds"));
    }

    private static async Task<int> RunNonInteractiveAsync(IncusClient client, string instance, string[] command, Dictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        var (operation, fds) = await StartAsync(client, instance, new Dictionary<string, object>
        {
            ["command"] = command,
            ["environment"] = environment,
            ["interactive"] = false,
            ["wait-for-websocket"] = true,
        }, cancellationToken).ConfigureAwait(false);

        using var stdin = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("0").GetString()}", cancellationToken).ConfigureAwait(false);
        using var stdout = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("1").GetString()}", cancellationToken).ConfigureAwait(false);
        using var stderr = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("2").GetString()}", cancellationToken).ConfigureAwait(false);
        using var control = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("control").GetString()}", cancellationToken).ConfigureAwait(false);

        _ = SendStdinAsync(stdin);
        var output = CopyAsync(stdout, Console.OpenStandardOutput());
        var errors = CopyAsync(stderr, Console.OpenStandardError());
        await Task.WhenAll(output, errors).ConfigureAwait(false);
        var finished = await client.WaitAsync(operation, cancellationToken).ConfigureAwait(false);
        return finished.GetProperty("metadata").GetProperty("return").GetInt32();
    }

    private static async Task<int> RunInteractiveAsync(IncusClient client, string instance, string[] command, Dictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        // The command's terminal should behave like this one, as with the Incus client.
        if (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term)
        {
            environment.TryAdd("TERM", term);
        }
        var size = LocalTerminal.WindowSize(LocalTerminal.Stdout);
        var (operation, fds) = await StartAsync(client, instance, new Dictionary<string, object>
        {
            ["command"] = command,
            ["environment"] = environment,
            ["interactive"] = true,
            ["wait-for-websocket"] = true,
            ["width"] = size?.Columns ?? 0,
            ["height"] = size?.Rows ?? 0,
        }, cancellationToken).ConfigureAwait(false);

        using var terminal = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("0").GetString()}", cancellationToken).ConfigureAwait(false);
        using var control = await client.ConnectWebSocketAsync($"{operation}/websocket?secret={fds.GetProperty("control").GetString()}", cancellationToken).ConfigureAwait(false);
        using var controlGate = new SemaphoreSlim(1, 1);
        async Task SendControlAsync(string message)
        {
            await controlGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await control.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
            {
                // The command has ended; nothing is left to resize or signal.
            }
            finally
            {
                controlGate.Release();
            }
        }

        var signals = new List<PosixSignalRegistration>();
        using var raw = LocalTerminal.IsTerminal(LocalTerminal.Stdin) ? LocalTerminal.MakeRaw(LocalTerminal.Stdin) : null;
        try
        {
            signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
            {
                if (LocalTerminal.WindowSize(LocalTerminal.Stdout) is var (columns, rows))
                {
                    _ = SendControlAsync(WindowResizeMessage(columns, rows));
                }
            }));
            foreach (var (signal, number) in ForwardedSignals)
            {
                signals.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    _ = SendControlAsync(SignalMessage(number));
                }));
            }
            // Reads from stdin block and cannot be cancelled, so they run on a background thread that
            // is simply abandoned when the command ends.
            new Thread(() => SendTerminalInput(terminal)) { IsBackground = true, Name = "exec input" }.Start();
            await CopyTerminalOutputAsync(terminal).ConfigureAwait(false);
            var finished = await client.WaitAsync(operation, cancellationToken).ConfigureAwait(false);
            return finished.GetProperty("metadata").GetProperty("return").GetInt32();
        }
        finally
        {
            foreach (var registration in signals)
            {
                registration.Dispose();
            }
            await CloseQuietlyAsync(control).ConfigureAwait(false);
        }
    }

    private static void SendTerminalInput(ClientWebSocket socket)
    {
        byte[] buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = LocalTerminal.Read(LocalTerminal.Stdin, buffer)) > 0)
            {
                socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            // Input ended (it was not a terminal); the command keeps its terminal until it exits.
            socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The command ended while input was being sent.
        }
    }

    private static async Task CopyTerminalOutputAsync(ClientWebSocket socket)
    {
        byte[] buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                LocalTerminal.Write(LocalTerminal.Stdout, buffer.AsSpan(0, received.Count));
            }
        }
        catch (WebSocketException)
        {
            // The daemon closed the stream with the command.
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The daemon has already dropped the connection.
        }
    }

    private static async Task SendStdinAsync(ClientWebSocket socket)
    {
        var input = Console.OpenStandardInput();
        byte[] buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
            }
            // An empty message marks the end of input, as the Incus protocol does.
            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            // The command ended before its input did.
        }
    }

    private static async Task CopyAsync(ClientWebSocket socket, Stream destination)
    {
        byte[] buffer = new byte[32 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                await destination.WriteAsync(buffer.AsMemory(0, received.Count)).ConfigureAwait(false);
                await destination.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The daemon closed the stream with the command.
        }
    }
}

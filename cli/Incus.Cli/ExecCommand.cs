using System.CommandLine;
using System.Net.WebSockets;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus exec NAME [--env K=V] -- COMMAND…</c>: runs a command in an instance, non-interactively.</summary>
public static class ExecCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("instance");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var env = new Option<string[]>("--env") { Description = "Environment variable KEY=VALUE (repeatable)" };
        var exec = new Command("exec", "Run a command in an instance; exits with the command's status") { name, command, env };
        exec.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            string body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["command"] = result.GetValue(command)!,
                ["environment"] = Commands.ParsePairs(result.GetValue(env) ?? []),
                ["interactive"] = false,
                ["wait-for-websocket"] = true,
            });
            var envelope = await client.SendStreamAsync(HttpMethod.Post, $"/1.0/instances/{Uri.EscapeDataString(result.GetValue(name)!)}/exec",
                new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)), new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
            var fds = envelope.Metadata!.Value.GetProperty("metadata").GetProperty("fds");
            string operation = envelope.Operation;

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
        });
        return exec;
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

using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Incus.Platform;
using StreamJsonRpc;

namespace Incus.Helpers;

/// <summary>
/// Serves one helper interface over JSON-RPC on a listening Unix socket handed over by the supervisor.
/// Only the members of <typeparamref name="TInterface"/> can be called, unknown JSON members are
/// refused, and each connection is checked against the allowed callers before any byte is parsed.
/// </summary>
public sealed class HelperServer<TInterface>(
    string helperName,
    Socket listener,
    AllowedCallers callers,
    AuditLog audit,
    Func<CallContext, TInterface> createTarget,
    Action<string> log)
    where TInterface : class
{
    /// <summary>
    /// Largest single request, in bytes. The biggest legitimate ones are NIC filters, which must go in
    /// one transaction: about 2 KiB of nftables JSON per route, so hundreds of routes fit.
    /// </summary>
    public const int MaxMessageBytes = 1024 * 1024;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(connection), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        PeerCredentials peer;
        try
        {
            peer = SocketPeer.Read(connection);
        }
        catch (Exception ex)
        {
            log($"refusing a connection whose credentials could not be read: {ex.Message}");
            connection.Dispose();
            return;
        }

        string? refusal = callers.Check(peer);
        if (refusal is not null)
        {
            audit.Record(peer, "connect", null, "refused", refusal);
            log($"refused connection from {peer}: {refusal}");
            await RefuseAsync(connection, refusal).ConfigureAwait(false);
            return;
        }

        var stream = new NetworkStream(connection, ownsSocket: true);
        var formatter = new SystemTextJsonFormatter();
        formatter.JsonSerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        formatter.JsonSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
        formatter.JsonSerializerOptions.MaxDepth = 16;
        var handler = new NewLineDelimitedMessageHandler(stream, new MessageSizeLimitStream(stream, MaxMessageBytes), formatter);
        using var rpc = new JsonRpc(handler)
        {
            ExceptionStrategy = ExceptionProcessing.CommonErrorData,
        };
        var context = new CallContext(peer, audit);
        rpc.AddLocalRpcTarget<TInterface>(createTarget(context), new JsonRpcTargetOptions
        {
            AllowNonPublicInvocation = false,
            NotifyClientOfEvents = false,
        });
        rpc.StartListening();
        try
        {
            await rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A broken or oversize message ends only this connection; the helper keeps serving.
            log($"{helperName}: connection from {peer} ended: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task RefuseAsync(Socket connection, string reason)
    {
        using (connection)
        {
            var error = new
            {
                jsonrpc = "2.0",
                id = (int?)null,
                error = new { code = -32001, message = $"not authorized: {reason}" },
            };
            byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(error) + "\n");
            try
            {
                await connection.SendAsync(line, SocketFlags.None).ConfigureAwait(false);
                connection.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The refused peer may already have gone; the refusal is in the audit log either way.
            }
        }
    }
}

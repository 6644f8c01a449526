using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Incus.HelperProtocol;
using Incus.Platform;
using StreamJsonRpc;

namespace Incus.Helpers;

/// <summary>
/// Serves one helper interface over JSON-RPC on a listening Unix socket handed over by the supervisor.
/// Only the members of <typeparamref name="TInterface"/> can be called, unknown JSON members are
/// refused, and each connection is checked against the allowed callers before any byte is parsed.
/// </summary>
public sealed class HelperServer<[DynamicallyAccessedMembers(RpcContract.Members)] TInterface>(
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

    /// <summary>
    /// The callable members: those of <typeparamref name="TInterface"/> only, described once. StreamJsonRpc marks
    /// this as needing run-time code because it builds event handlers for EventHandler&lt;T&gt; with value-type
    /// arguments; a helper interface has no events (a unit test holds them to that), so nothing is generated.
    /// </summary>
    private static readonly RpcTargetMetadata Contract = DescribeContract();

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only events need run-time code, and helper interfaces have none.")]
    private static RpcTargetMetadata DescribeContract() => RpcTargetMetadata.FromInterface(typeof(TInterface));

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
        var handler = new NewLineDelimitedMessageHandler(stream, new MessageSizeLimitStream(stream, MaxMessageBytes), HelperWireFormat.CreateFormatter());
        using var rpc = new JsonRpc(handler)
        {
            ExceptionStrategy = ExceptionProcessing.CommonErrorData,
        };
        var context = new CallContext(peer, audit);
        rpc.AddLocalRpcTarget(Contract, createTarget(context), new JsonRpcTargetOptions
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
            byte[] line = RefusalLine(reason);
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

    /// <summary>A JSON-RPC error without a request id, as one line; written by hand, since no request was read.</summary>
    private static byte[] RefusalLine(string reason)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNull("id");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", -32001);
            writer.WriteString("message", $"not authorized: {reason}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}

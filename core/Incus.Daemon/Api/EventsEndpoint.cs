using System.Net.WebSockets;
using System.Text.Json;
using Incus.Api;
using Incus.Daemon.Events;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary><c>GET /1.0/events</c>: a websocket of operation, logging and lifecycle events.</summary>
public static class EventsEndpoint
{
    public static async Task HandleAsync(HttpContext context, EventHub hub)
    {
        string? requested = context.Request.Query["type"];
        var types = string.IsNullOrEmpty(requested)
            ? EventHub.KnownTypes
            : requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (types.FirstOrDefault(t => !EventHub.KnownTypes.Contains(t)) is { } unknown)
        {
            throw ApiException.BadRequest($"\"{unknown}\" isn't a supported event type");
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("/1.0/events is a websocket; connect with an Upgrade: websocket request");
        }

        using var subscription = hub.Subscribe(types);
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, closed.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away; the writer below stops on the same token.
            }
            await closed.CancelAsync().ConfigureAwait(false);
        });

        try
        {
            await foreach (var message in subscription.Reader.ReadAllAsync(closed.Token).ConfigureAwait(false))
            {
                byte[] frame = JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Options);
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Listener disconnected.
        }
        // Answer the client's close frame too, so its CloseAsync completes the handshake. Not when the
        // request was aborted (the client left, or its certificate was revoked): the connection is gone.
        if (!context.RequestAborted.IsCancellationRequested && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
        }
        await reader.ConfigureAwait(false);
    }
}

using System.Globalization;
using Incus.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Helpers;
using Incus.Daemon.Operations;
using Incus.Daemon.Remote;
using Incus.Daemon.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary>The endpoints of the local API; each one answers in the Incus envelopes.</summary>
public static class ApiRoutes
{
    private static readonly string[] RootMetadata = ["/1.0"];

    public static void Map(IEndpointRouteBuilder app, ServerState server, OperationManager operations, EventHub events, HelperClients helpers,
        HttpsEndpoint https)
    {
        app.MapGet("/", (HttpContext context) => EnvelopeWriter.SyncAsync(context.Response, RootMetadata)).AllowUntrusted();

        app.MapGet("/1.0", (HttpContext context) =>
        {
            var identity = RequestIdentity.Of(context);
            if (!identity.Trusted)
            {
                return EnvelopeWriter.SyncAsync(context.Response, server.Untrusted());
            }
            var (envelope, etag) = server.TrustedAnswer(identity.UserName, identity.Method);
            return EnvelopeWriter.SyncBytesAsync(context.Response, envelope, etag);
        }).AllowUntrusted();
        app.MapPut("/1.0", (HttpContext context) => UpdateServerAsync(context, server, events, https, replace: true));
        app.MapPatch("/1.0", (HttpContext context) => UpdateServerAsync(context, server, events, https, replace: false));

        app.MapGet("/1.0/operations", (HttpContext context) => ListOperationsAsync(context, operations));
        app.MapGet("/1.0/operations/{id}", (HttpContext context, string id) =>
            EnvelopeWriter.SyncAsync(context.Response, FindOperation(operations, id).Snapshot()));
        app.MapDelete("/1.0/operations/{id}", (HttpContext context, string id) =>
        {
            var operation = FindOperation(operations, id);
            if (!operation.RequestCancel())
            {
                throw ApiException.BadRequest("This operation can't be cancelled");
            }
            return EnvelopeWriter.SyncAsync<object?>(context.Response, null);
        });
        app.MapGet("/1.0/operations/{id}/wait", (HttpContext context, string id) => WaitOperationAsync(context, operations, id));

        app.MapGet("/1.0/events", (HttpContext context) => EventsEndpoint.HandleAsync(context, events));

        // Re-applies the host hardening now (it also runs at every start); answers with what the helper did.
        app.MapPost("/internal/hardening", (HttpContext context) => ReapplyHardeningAsync(context, server, helpers));

        app.MapFallback((HttpContext _) => throw ApiException.NotFound());
    }

    private static async Task ReapplyHardeningAsync(HttpContext context, ServerState server, HelperClients helpers)
    {
        var report = await helpers.Host.CallAsync("ApplyHostHardening", (host, token) => host.ApplyHostHardeningAsync(token), context.RequestAborted).ConfigureAwait(false);
        await EnvelopeWriter.SyncAsync(context.Response, server.RecordHardening(report)).ConfigureAwait(false);
    }

    private static async Task UpdateServerAsync(HttpContext context, ServerState server, EventHub events, HttpsEndpoint https, bool replace)
    {
        var body = await RequestBody.ReadAsync<ServerPut>(context.Request).ConfigureAwait(false);
        var requested = body.Config ?? new Dictionary<string, string?>();
        await ServerUpdates.Gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            // The listener moves first: an address it cannot bind is refused before anything is stored.
            string before = server.Config.GetValueOrDefault(ServerConfigKeys.HttpsAddress) ?? "";
            string after = requested.TryGetValue(ServerConfigKeys.HttpsAddress, out string? value) ? value ?? "" : replace ? "" : before;
            if (after.Length > 0 && ServerConfigKeys.Validate(ServerConfigKeys.HttpsAddress, after) is { } invalid)
            {
                throw ApiException.BadRequest(invalid);
            }
            await https.ApplyAsync(after, context.RequestAborted).ConfigureAwait(false);
            string? error;
            try
            {
                error = server.ApplyConfig(requested, replace, Etags.IfMatch(context.Request));
            }
            catch (ApiException)
            {
                await https.ApplyAsync(before, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            if (error is not null)
            {
                await https.ApplyAsync(before, CancellationToken.None).ConfigureAwait(false);
                throw ApiException.BadRequest(error);
            }
        }
        finally
        {
            ServerUpdates.Gate.Release();
        }
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "config-updated", ["source"] = "/1.0" });
        await EnvelopeWriter.SyncAsync(context.Response, new Dictionary<string, string>()).ConfigureAwait(false);
    }

    private static Task ListOperationsAsync(HttpContext context, OperationManager operations)
    {
        bool recursive = Recursion.Of(context) > 0;
        var grouped = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var operation in operations.All)
        {
            var snapshot = operation.Snapshot();
            string group = snapshot.Status.ToLowerInvariant();
            if (!grouped.TryGetValue(group, out var list))
            {
                grouped[group] = list = new List<object>();
            }
            list.Add(recursive ? snapshot : operation.Url);
        }
        return EnvelopeWriter.SyncAsync(context.Response, grouped);
    }

    private static async Task WaitOperationAsync(HttpContext context, OperationManager operations, string id)
    {
        var operation = FindOperation(operations, id);
        int timeout = -1;
        if (context.Request.Query["timeout"] is { Count: > 0 } value
            && !int.TryParse(value[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out timeout))
        {
            throw ApiException.BadRequest($"invalid timeout \"{value[0]}\"");
        }
        var wait = timeout < 0 ? operation.Completion : operation.Completion.WaitAsync(TimeSpan.FromSeconds(timeout));
        try
        {
            await wait.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The operation is still running; answer with its current state, as Incus does.
        }
        await EnvelopeWriter.SyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
    }

    private static TrackedOperation FindOperation(OperationManager operations, string id) =>
        operations.Find(id) ?? throw ApiException.NotFound("Operation not found");
}

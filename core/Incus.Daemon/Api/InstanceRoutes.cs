using Incus.Api;
using Incus.Daemon.Instances;
using Incus.Daemon.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/instances</c>, and the legacy <c>/1.0/containers</c> paths older clients use.</summary>
public static class InstanceRoutes
{
    public static void Map(IEndpointRouteBuilder app, InstanceService instances, OperationManager operations, Exec.ExecService exec)
    {
        foreach (string collection in new[] { "instances", "containers" })
        {
            string prefix = $"/1.0/{collection}";
            app.MapGet(prefix, async (HttpContext context) =>
            {
                int recursion = Recursion.Of(context);
                var filter = ListFilter.Parse(context.Request.Query["filter"]);
                var names = instances.Names();
                if (recursion == 0 && filter is null)
                {
                    await EnvelopeWriter.SyncAsync(context.Response, names.Select(n => $"{prefix}/{n}").ToList()).ConfigureAwait(false);
                    return;
                }
                var list = (await instances.ListAsync(recursion >= 2, context.RequestAborted).ConfigureAwait(false))
                    .Where(instance => filter is null || filter.Matches(ApiJson.ToElement(instance))).ToList();
                if (recursion == 0)
                {
                    await EnvelopeWriter.SyncAsync(context.Response, list.Select(i => $"{prefix}/{i.Name}").ToList()).ConfigureAwait(false);
                    return;
                }
                await EnvelopeWriter.SyncAsync(context.Response, list).ConfigureAwait(false);
            });
            app.MapPost(prefix, async (HttpContext context) =>
            {
                var operation = instances.Create(await RequestBody.ReadAsync<InstancesPost>(context.Request).ConfigureAwait(false));
                await EnvelopeWriter.AsyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
            });
            app.MapGet($"{prefix}/{{name}}", async (HttpContext context, string name) =>
            {
                var instance = await instances.GetAsync(name, Recursion.Of(context) >= 1, context.RequestAborted).ConfigureAwait(false);
                await EnvelopeWriter.SyncAsync(context.Response, instance, Etags.Of(instances.Writable(instance))).ConfigureAwait(false);
            });
            // PUT answers with an operation, as Incus does (clients wait for it); PATCH is synchronous.
            app.MapPut($"{prefix}/{{name}}", async (HttpContext context, string name) =>
            {
                var request = await RequestBody.ReadAsync<InstancePut>(context.Request).ConfigureAwait(false);
                await instances.UpdateAsync(name, request, replace: true, Etags.IfMatch(context.Request), context.RequestAborted).ConfigureAwait(false);
                var operation = operations.Start("Updating instance", new() { ["instances"] = [$"/1.0/instances/{name}"] }, false, (_, _) => Task.CompletedTask);
                await EnvelopeWriter.AsyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
            });
            app.MapPatch($"{prefix}/{{name}}", async (HttpContext context, string name) =>
            {
                var request = await RequestBody.ReadAsync<InstancePut>(context.Request).ConfigureAwait(false);
                await instances.UpdateAsync(name, request, replace: false, Etags.IfMatch(context.Request), context.RequestAborted).ConfigureAwait(false);
                await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
            });
            app.MapDelete($"{prefix}/{{name}}", (HttpContext context, string name) =>
                EnvelopeWriter.AsyncAsync(context.Response, instances.Delete(name).Snapshot()));
            app.MapPost($"{prefix}/{{name}}/exec", async (HttpContext context, string name) =>
            {
                var request = await RequestBody.ReadAsync<Exec.ExecRequest>(context.Request).ConfigureAwait(false);
                if ((await instances.StateAsync(name, context.RequestAborted).ConfigureAwait(false)).StatusCode != OperationStatus.Running.Code)
                {
                    throw ApiException.BadRequest("Instance is not running");
                }
                await EnvelopeWriter.AsyncAsync(context.Response, exec.Start(name, request).Snapshot()).ConfigureAwait(false);
            });
            app.MapGet($"{prefix}/{{name}}/state", async (HttpContext context, string name) =>
                await EnvelopeWriter.SyncAsync(context.Response, await instances.StateAsync(name, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
            app.MapPut($"{prefix}/{{name}}/state", async (HttpContext context, string name) =>
            {
                var request = await RequestBody.ReadAsync<InstanceStatePut>(context.Request).ConfigureAwait(false);
                await instances.StateAsync(name, context.RequestAborted).ConfigureAwait(false);
                Func<CancellationToken, Task> action = request.Action switch
                {
                    "start" => token => instances.StartAsync(name, token),
                    "stop" => token => instances.StopAsync(name, request.Force, request.Timeout, token),
                    "restart" => async token =>
                    {
                        await instances.StopAsync(name, request.Force, request.Timeout, token).ConfigureAwait(false);
                        await instances.StartAsync(name, token).ConfigureAwait(false);
                    },
                    _ => throw ApiException.BadRequest($"Unknown state action \"{request.Action}\" (start, stop or restart)"),
                };
                string description = request.Action switch { "start" => "Starting instance", "stop" => "Stopping instance", _ => "Restarting instance" };
                var operation = operations.Start(description, new() { ["instances"] = [$"/1.0/instances/{name}"] }, false, (_, token) => action(token));
                await EnvelopeWriter.AsyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
            });
        }
    }

    /// <summary>The websockets of exec operations.</summary>
    public static void MapOperationWebsockets(IEndpointRouteBuilder app, Exec.ExecService exec) =>
        app.MapGet("/1.0/operations/{id}/websocket", (HttpContext context, string id) => exec.ServeWebsocketAsync(context, id));
}

using Incus.Api;
using Incus.Daemon.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/storage-pools</c>: list, create, show, update and delete pools (all sync, as in Incus).</summary>
public static class StoragePoolRoutes
{
    public static void Map(IEndpointRouteBuilder app, StoragePoolService pools)
    {
        app.MapGet("/1.0/storage-pools", (HttpContext context) =>
        {
            var all = pools.List();
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(p => $"/1.0/storage-pools/{p.Name}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        });
        app.MapPost("/1.0/storage-pools", async (HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync<StoragePoolsPost>(context.Request).ConfigureAwait(false);
            await pools.CreateAsync(request, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapGet("/1.0/storage-pools/{name}", (HttpContext context, string name) =>
        {
            var pool = pools.Get(name);
            return EnvelopeWriter.SyncAsync(context.Response, pool, Etags.Of(new StoragePoolPut { Description = pool.Description, Config = new(pool.Config) }));
        });
        app.MapPut("/1.0/storage-pools/{name}", (HttpContext context, string name) => UpdateAsync(context, pools, name, replace: true));
        app.MapPatch("/1.0/storage-pools/{name}", (HttpContext context, string name) => UpdateAsync(context, pools, name, replace: false));
        app.MapDelete("/1.0/storage-pools/{name}", async (HttpContext context, string name) =>
        {
            await pools.DeleteAsync(name, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
    }

    private static async Task UpdateAsync(HttpContext context, StoragePoolService pools, string name, bool replace)
    {
        var current = pools.Get(name);
        Etags.Check(context.Request, new StoragePoolPut { Description = current.Description, Config = new(current.Config) });
        var request = await RequestBody.ReadAsync<StoragePoolPut>(context.Request).ConfigureAwait(false);
        await pools.UpdateAsync(name, request, replace, context.RequestAborted).ConfigureAwait(false);
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }
}

using Incus.Api;
using Incus.Daemon.Networks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/networks</c>: list, create, show, update and delete networks, and their leases (all sync, as in Incus).</summary>
public static class NetworkRoutes
{
    public static void Map(IEndpointRouteBuilder app, NetworkService networks)
    {
        app.MapGet("/1.0/networks", (HttpContext context) =>
        {
            var all = networks.List();
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(n => $"/1.0/networks/{Uri.EscapeDataString(n.Name)}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        });
        app.MapPost("/1.0/networks", async (HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync<NetworksPost>(context.Request).ConfigureAwait(false);
            await networks.CreateAsync(request, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapGet("/1.0/networks/{name}", (HttpContext context, string name) =>
        {
            var network = networks.Get(name);
            return EnvelopeWriter.SyncAsync(context.Response, network, Etags.Of(new NetworkPut { Description = network.Description, Config = new(network.Config) }));
        });
        app.MapGet("/1.0/networks/{name}/leases", async (HttpContext context, string name) =>
        {
            var leases = await networks.LeasesAsync(name, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync(context.Response, leases).ConfigureAwait(false);
        });
        app.MapPut("/1.0/networks/{name}", (HttpContext context, string name) => UpdateAsync(context, networks, name, replace: true));
        app.MapPatch("/1.0/networks/{name}", (HttpContext context, string name) => UpdateAsync(context, networks, name, replace: false));
        app.MapDelete("/1.0/networks/{name}", async (HttpContext context, string name) =>
        {
            await networks.DeleteAsync(name, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
    }

    private static async Task UpdateAsync(HttpContext context, NetworkService networks, string name, bool replace)
    {
        var current = networks.Get(name);
        Etags.Check(context.Request, new NetworkPut { Description = current.Description, Config = new(current.Config) });
        var request = await RequestBody.ReadAsync<NetworkPut>(context.Request).ConfigureAwait(false);
        await networks.UpdateAsync(name, request, replace, context.RequestAborted).ConfigureAwait(false);
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }
}

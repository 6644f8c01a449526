using Incus.Daemon.Instances;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary>
/// <c>/1.0/firewall</c>: this daemon's extension (no Incus path collides with it). Trusted callers
/// only, as every endpoint not marked <c>AllowUntrusted</c>.
/// </summary>
public static class FirewallRoutes
{
    public static void Map(IEndpointRouteBuilder app, FirewallReconciler reconciler)
    {
        app.MapPost("/1.0/firewall/reconcile", async (HttpContext context) =>
        {
            var result = await reconciler.ReconcileAsync(context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync(context.Response, result).ConfigureAwait(false);
        });
    }
}

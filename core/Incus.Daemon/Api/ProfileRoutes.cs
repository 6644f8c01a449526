using Incus.Api;
using Incus.Daemon.Profiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/profiles</c> (all sync, as in Incus).</summary>
public static class ProfileRoutes
{
    public static void Map(IEndpointRouteBuilder app, ProfileService profiles)
    {
        app.MapGet("/1.0/profiles", (HttpContext context) =>
        {
            var all = profiles.List();
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(p => $"/1.0/profiles/{Uri.EscapeDataString(p.Name)}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        });
        app.MapPost("/1.0/profiles", async (HttpContext context) =>
        {
            await profiles.CreateAsync(await RequestBody.ReadAsync<ProfilePut>(context.Request).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapGet("/1.0/profiles/{name}", (HttpContext context, string name) =>
        {
            var profile = profiles.Get(name);
            return EnvelopeWriter.SyncAsync(context.Response, profile, Etags.Of(ProfileService.Writable(profile)));
        });
        app.MapPut("/1.0/profiles/{name}", (HttpContext context, string name) => UpdateAsync(context, profiles, name, replace: true));
        app.MapPatch("/1.0/profiles/{name}", (HttpContext context, string name) => UpdateAsync(context, profiles, name, replace: false));
        app.MapPost("/1.0/profiles/{name}", async (HttpContext context, string name) =>
        {
            var request = await RequestBody.ReadAsync<ProfilePut>(context.Request).ConfigureAwait(false);
            await profiles.RenameAsync(name, request.Name, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapDelete("/1.0/profiles/{name}", async (HttpContext context, string name) =>
        {
            await profiles.DeleteAsync(name, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
    }

    private static async Task UpdateAsync(HttpContext context, ProfileService profiles, string name, bool replace)
    {
        var request = await RequestBody.ReadAsync<ProfilePut>(context.Request).ConfigureAwait(false);
        await profiles.UpdateAsync(name, request, replace, Etags.IfMatch(context.Request), context.RequestAborted).ConfigureAwait(false);
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }
}

using Incus.Api;
using Incus.Daemon.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Incus.Daemon.Api;

/// <summary><c>/1.0/images</c> and <c>/1.0/images/aliases</c>.</summary>
public static class ImageRoutes
{
    /// <summary>Largest image upload accepted.</summary>
    public const long MaxImageBytes = 16L * 1024 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, ImageService images)
    {
        app.MapGet("/1.0/images", (HttpContext context) =>
        {
            var all = Visible(context, images.List());
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(i => $"/1.0/images/{i.Fingerprint}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        }).AllowUntrusted();
        app.MapPost("/1.0/images", async (HttpContext context) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxImageBytes;
            }
            var operation = await images.ImportAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            await EnvelopeWriter.AsyncAsync(context.Response, operation.Snapshot()).ConfigureAwait(false);
        });

        // Aliases first: "aliases" must not be taken for a fingerprint prefix.
        app.MapGet("/1.0/images/aliases", (HttpContext context) =>
        {
            var all = images.ListAliases();
            return Recursion.Of(context) == 0
                ? EnvelopeWriter.SyncAsync(context.Response, all.Select(a => $"/1.0/images/aliases/{Uri.EscapeDataString(a.Name)}").ToList())
                : EnvelopeWriter.SyncAsync(context.Response, all);
        });
        app.MapPost("/1.0/images/aliases", async (HttpContext context) =>
        {
            images.CreateAlias(await RequestBody.ReadAsync<ImageAliasesPost>(context.Request).ConfigureAwait(false));
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapGet("/1.0/images/aliases/{name}", (HttpContext context, string name) =>
        {
            var alias = images.GetAlias(name);
            if (!RequestIdentity.Of(context).Trusted)
            {
                // An alias of a private image does not exist for an untrusted client.
                GetVisible(context, images, alias.Target);
            }
            return EnvelopeWriter.SyncAsync(context.Response, alias, Etags.Of(new { alias.Description, alias.Target }));
        }).AllowUntrusted();
        app.MapPut("/1.0/images/aliases/{name}", (HttpContext context, string name) => UpdateAliasAsync(context, images, name, replace: true));
        app.MapPatch("/1.0/images/aliases/{name}", (HttpContext context, string name) => UpdateAliasAsync(context, images, name, replace: false));
        app.MapPost("/1.0/images/aliases/{name}", async (HttpContext context, string name) =>
        {
            var request = await RequestBody.ReadAsync<ImageAliasesPost>(context.Request).ConfigureAwait(false);
            images.RenameAlias(name, request.Name);
            await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
        });
        app.MapDelete("/1.0/images/aliases/{name}", (HttpContext context, string name) =>
        {
            images.DeleteAlias(name);
            return EnvelopeWriter.SyncAsync<object?>(context.Response, null);
        });

        app.MapGet("/1.0/images/{fingerprint}", (HttpContext context, string fingerprint) =>
        {
            var image = GetVisible(context, images, fingerprint);
            return EnvelopeWriter.SyncAsync(context.Response, image, Etags.Of(Writable(image)));
        }).AllowUntrusted();
        app.MapPut("/1.0/images/{fingerprint}", (HttpContext context, string fingerprint) => UpdateAsync(context, images, fingerprint, replace: true));
        app.MapPatch("/1.0/images/{fingerprint}", (HttpContext context, string fingerprint) => UpdateAsync(context, images, fingerprint, replace: false));
        app.MapDelete("/1.0/images/{fingerprint}", (HttpContext context, string fingerprint) =>
            EnvelopeWriter.AsyncAsync(context.Response, images.Delete(fingerprint).Snapshot()));
        app.MapGet("/1.0/images/{fingerprint}/export", async (HttpContext context, string fingerprint) =>
        {
            var image = images.Find(GetVisible(context, images, fingerprint).Fingerprint);
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ContentDisposition = $"attachment; filename={(image.Filename.Length > 0 ? image.Filename : image.Fingerprint + ".tar.gz")}";
            await context.Response.SendFileAsync(images.PathOf(image), context.RequestAborted).ConfigureAwait(false);
        }).AllowUntrusted();
    }

    /// <summary>Untrusted clients see public images only, and only in the default project.</summary>
    private static IReadOnlyList<Image> Visible(HttpContext context, IReadOnlyList<Image> all)
    {
        if (RequestIdentity.Of(context).Trusted)
        {
            return all;
        }
        RequireDefaultProject(context);
        return all.Where(i => i.Public).ToList();
    }

    /// <summary>
    /// The image a fingerprint prefix names, among those the caller may see. For an untrusted client
    /// the prefix is matched against public images only, so a private image is "not found" and not
    /// even its fingerprint's prefix is revealed.
    /// </summary>
    private static Image GetVisible(HttpContext context, ImageService images, string fingerprint)
    {
        if (RequestIdentity.Of(context).Trusted)
        {
            return images.Get(fingerprint);
        }
        RequireDefaultProject(context);
        var matches = images.List(publicOnly: true)
            .Where(i => fingerprint.Length > 0 && i.Fingerprint.StartsWith(fingerprint.ToLowerInvariant(), StringComparison.Ordinal))
            .Take(2).ToList();
        return matches.Count == 1 ? matches[0] : throw ApiException.NotFound("Image not found");
    }

    private static void RequireDefaultProject(HttpContext context)
    {
        var query = context.Request.Query;
        if ((query["project"] is { Count: > 0 } project && project[0] is not ("" or "default")) || query.ContainsKey("all-projects"))
        {
            throw ApiException.BadRequest("Unauthenticated image queries are only possible against the default project");
        }
    }

    private static ImagePut Writable(Image image) => new()
    {
        Public = image.Public,
        AutoUpdate = image.AutoUpdate,
        Properties = new(image.Properties),
        Profiles = image.Profiles.ToList(),
    };

    private static async Task UpdateAsync(HttpContext context, ImageService images, string fingerprint, bool replace)
    {
        Etags.Check(context.Request, Writable(images.Get(fingerprint)));
        var request = await RequestBody.ReadAsync<ImagePut>(context.Request).ConfigureAwait(false);
        await images.UpdateAsync(fingerprint, request, replace, context.RequestAborted).ConfigureAwait(false);
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }

    private static async Task UpdateAliasAsync(HttpContext context, ImageService images, string name, bool replace)
    {
        var current = images.GetAlias(name);
        Etags.Check(context.Request, new { current.Description, current.Target });
        images.UpdateAlias(name, await RequestBody.ReadAsync<ImageAliasesPost>(context.Request).ConfigureAwait(false), replace);
        await EnvelopeWriter.SyncAsync<object?>(context.Response, null).ConfigureAwait(false);
    }
}

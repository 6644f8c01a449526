using Incus.Daemon.Helpers;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Incus.Daemon.Api;

/// <summary>
/// First in the pipeline: refuses peers that are not root or in the socket group, and turns every
/// failure (thrown or a bare status code) into the Incus error envelope.
/// </summary>
public sealed class AccessAndErrorMiddleware(RequestDelegate next, ILogger log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || !items.TryGetValue(PeerAccess.ItemKey, out var value) || value is not PeerAccess access)
        {
            await EnvelopeWriter.ErrorAsync(context.Response, 403, "not authorized: the peer's credentials are unknown").ConfigureAwait(false);
            return;
        }
        if (!access.Allowed)
        {
            await EnvelopeWriter.ErrorAsync(context.Response, 403, access.Refusal!).ConfigureAwait(false);
            return;
        }
        context.Items[PeerAccess.ItemKey] = access;

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var (status, message) = ex switch
            {
                ApiException api => (api.Status, api.Message),
                HelperUnavailableException helper => (503, helper.Message),
                HelperTimeoutException helper => (503, helper.Message),
                HelperFailedException helper => (helper.Refused ? 400 : 500, helper.Message),
                BadHttpRequestException bad => (400, bad.Message),
                _ => (500, $"internal error: {ex.Message}"),
            };
            if (status == 503)
            {
                log.Warning("{Method} {Path}: {Message}", context.Request.Method, context.Request.Path, message);
            }
            else if (status >= 500)
            {
                log.Error(ex, "{Method} {Path} failed: {Message}", context.Request.Method, context.Request.Path, message);
            }
            context.Response.Clear();
            await EnvelopeWriter.ErrorAsync(context.Response, status, message).ConfigureAwait(false);
            return;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode >= 400)
        {
            string message = context.Response.StatusCode switch
            {
                404 => "not found",
                405 => "method not allowed",
                _ => "request failed",
            };
            await EnvelopeWriter.ErrorAsync(context.Response, context.Response.StatusCode, message).ConfigureAwait(false);
        }
    }
}

using Incus.Daemon.Helpers;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Incus.Daemon.Api;

/// <summary>
/// First in the pipeline (after routing): decides who is asking, refuses peers that may not use this
/// listener, keeps untrusted clients to the endpoints marked <see cref="AllowUntrustedAttribute"/>,
/// and turns every failure (thrown or a bare status code) into the Incus error envelope.
/// </summary>
public sealed class AccessAndErrorMiddleware(RequestDelegate next, ILogger log, IRequestAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var identity = authenticator.Authenticate(context, out string? refusal);
        if (identity is null)
        {
            await EnvelopeWriter.ErrorAsync(context.Response, 403, refusal ?? "not authorized").ConfigureAwait(false);
            return;
        }
        if (!identity.Trusted && context.GetEndpoint()?.Metadata.GetMetadata<AllowUntrustedAttribute>() is null)
        {
            await EnvelopeWriter.ErrorAsync(context.Response, 403, "not authorized").ConfigureAwait(false);
            return;
        }
        context.Items[RequestIdentity.ItemKey] = identity;

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The connection is gone (the client left, or its certificate was removed and the request
            // aborted): there is nobody to answer, and it is no server error to log as one.
            return;
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

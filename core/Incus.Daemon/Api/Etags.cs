using System.Security.Cryptography;
using System.Text.Json;
using Incus.Api;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>ETags over an object's writable part, and the If-Match check PUT and PATCH honour.</summary>
public static class Etags
{
    public static string Of<T>(T writable) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(writable, ApiJson.Options)));

    /// <summary>Throws 412 when the request carries an If-Match that is not the current ETag.</summary>
    public static void Check<T>(HttpRequest request, T currentWritable) => Check(IfMatch(request), currentWritable);

    /// <summary>The request's If-Match header, or null when it has none.</summary>
    public static string? IfMatch(HttpRequest request) => request.Headers.IfMatch is { Count: > 0 } values ? values.ToString() : null;

    /// <summary>
    /// Throws 412 when <paramref name="ifMatch"/> is given and is not the current ETag. Callers check
    /// under the same lock as the change, so a change that lands in between is caught too.
    /// </summary>
    public static void Check<T>(string? ifMatch, T currentWritable)
    {
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch.Trim().Trim('"') != Of(currentWritable))
        {
            throw ApiException.PreconditionFailed("ETag doesn't match: it was changed after you read it; read it again and redo the change");
        }
    }
}

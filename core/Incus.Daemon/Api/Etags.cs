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
    public static void Check<T>(HttpRequest request, T currentWritable)
    {
        string? ifMatch = request.Headers.IfMatch;
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch.Trim('"') != Of(currentWritable))
        {
            throw ApiException.PreconditionFailed("ETag doesn't match");
        }
    }
}

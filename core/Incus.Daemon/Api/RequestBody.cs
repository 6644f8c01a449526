using System.Text.Json;
using Incus.Api;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>Reads a JSON request body; anything malformed becomes a 400 in the Incus format.</summary>
public static class RequestBody
{
    public const long MaxBytes = 4 * 1024 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            throw ApiException.BadRequest($"request body larger than {MaxBytes} bytes");
        }
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options).ConfigureAwait(false)
                ?? throw ApiException.BadRequest("request body is empty");
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"invalid JSON in request body: {ex.Message}");
        }
    }
}

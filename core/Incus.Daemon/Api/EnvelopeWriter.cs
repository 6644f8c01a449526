using System.Text.Json;
using Incus.Api;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>Writes the three Incus envelopes straight to the response, without an intermediate copy.</summary>
public static class EnvelopeWriter
{
    public static async Task SyncAsync<T>(HttpResponse response, T metadata, string? etag = null)
    {
        StartSync(response, etag);
        await using var writer = new Utf8JsonWriter(response.BodyWriter, ApiJson.WriterOptions);
        WriteSync(writer, metadata);
        await writer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Serialises a whole sync envelope once, for answers that are cached between changes.</summary>
    public static byte[] SerializeSync<T>(T metadata)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ApiJson.WriterOptions))
        {
            WriteSync(writer, metadata);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sends an envelope made by <see cref="SerializeSync{T}"/>.</summary>
    public static Task SyncBytesAsync(HttpResponse response, byte[] envelope, string? etag = null)
    {
        StartSync(response, etag);
        response.ContentLength = envelope.Length;
        return response.Body.WriteAsync(envelope, 0, envelope.Length);
    }

    private static void StartSync(HttpResponse response, string? etag)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        if (etag is not null)
        {
            response.Headers.ETag = $"\"{etag}\"";
        }
    }

    private static void WriteSync<T>(Utf8JsonWriter writer, T metadata)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "sync");
        writer.WriteString("status", OperationStatus.Success.Name);
        writer.WriteNumber("status_code", OperationStatus.Success.Code);
        writer.WriteString("operation", "");
        writer.WriteNumber("error_code", 0);
        writer.WriteString("error", "");
        writer.WritePropertyName("metadata");
        JsonSerializer.Serialize(writer, metadata, ApiJson.Options);
        writer.WriteEndObject();
    }

    public static async Task AsyncAsync(HttpResponse response, Operation operation)
    {
        response.StatusCode = 202;
        response.ContentType = "application/json";
        string url = $"/1.0/operations/{operation.Id}";
        response.Headers.Location = url;
        await using var writer = new Utf8JsonWriter(response.BodyWriter, ApiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", "async");
        writer.WriteString("status", OperationStatus.Created.Name);
        writer.WriteNumber("status_code", OperationStatus.Created.Code);
        writer.WriteString("operation", url);
        writer.WriteNumber("error_code", 0);
        writer.WriteString("error", "");
        writer.WritePropertyName("metadata");
        JsonSerializer.Serialize(writer, operation, ApiJson.Options);
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }

    public static async Task ErrorAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.XContentTypeOptions = "nosniff";
        await using var writer = new Utf8JsonWriter(response.BodyWriter, ApiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", "error");
        writer.WriteString("status", "");
        writer.WriteNumber("status_code", 0);
        writer.WriteString("operation", "");
        writer.WriteNumber("error_code", status);
        writer.WriteString("error", message);
        writer.WriteNull("metadata");
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }
}

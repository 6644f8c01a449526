using System.Text.Json;
using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The body of every API answer: sync, async or error, as in the Incus REST API.</summary>
public sealed class ResponseEnvelope
{
    [JsonPropertyName("type")] public string Type { get; init; } = "sync";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("status_code")] public int StatusCode { get; init; }
    [JsonPropertyName("operation")] public string Operation { get; init; } = "";
    [JsonPropertyName("error_code")] public int ErrorCode { get; init; }
    [JsonPropertyName("error")] public string Error { get; init; } = "";
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }

    public static ResponseEnvelope Sync(JsonElement? metadata) => new()
    {
        Type = "sync",
        Status = OperationStatus.Success.Name,
        StatusCode = OperationStatus.Success.Code,
        Metadata = metadata,
    };

    public static ResponseEnvelope Async(string operationUrl, JsonElement metadata) => new()
    {
        Type = "async",
        Status = OperationStatus.Created.Name,
        StatusCode = OperationStatus.Created.Code,
        Operation = operationUrl,
        Metadata = metadata,
    };

    public static ResponseEnvelope Failure(int httpStatus, string message) => new()
    {
        Type = "error",
        ErrorCode = httpStatus,
        Error = message,
    };
}

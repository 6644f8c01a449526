using System.Text.Json;
using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A background operation, as shown by <c>/1.0/operations/{id}</c>.</summary>
public sealed class Operation
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("class")] public string Class { get; init; } = "task";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("status_code")] public int StatusCode { get; init; }
    [JsonPropertyName("resources")] public Dictionary<string, List<string>>? Resources { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
    [JsonPropertyName("may_cancel")] public bool MayCancel { get; init; }
    [JsonPropertyName("err")] public string Err { get; init; } = "";
    [JsonPropertyName("location")] public string Location { get; init; } = "none";
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>One message on the <c>/1.0/events</c> websocket.</summary>
public sealed class EventMessage
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("timestamp")] public DateTimeOffset Timestamp { get; init; }
    [JsonPropertyName("metadata")] public JsonElement Metadata { get; init; }
    [JsonPropertyName("location")] public string Location { get; init; } = "none";
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>What the daemon did to one host path to stop container-name leaks.</summary>
public sealed class HardeningStatus
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("outcome")] public string Outcome { get; init; } = "";
    [JsonPropertyName("mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }
    [JsonPropertyName("detail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }
}

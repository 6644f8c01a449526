using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The writable part of <c>/1.0</c> (PUT replaces, PATCH merges).</summary>
public sealed class ServerPut
{
    [JsonPropertyName("config")] public Dictionary<string, string?>? Config { get; init; }
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary><c>GET /1.0</c>: the server's configuration and environment.</summary>
public sealed class ServerInfo
{
    [JsonPropertyName("config")] public Dictionary<string, string> Config { get; init; } = new();
    [JsonPropertyName("api_extensions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ApiExtensions { get; init; }
    [JsonPropertyName("api_status")] public string ApiStatus { get; init; } = "stable";
    [JsonPropertyName("api_version")] public string ApiVersion { get; init; } = "1.0";
    [JsonPropertyName("auth")] public string Auth { get; init; } = "untrusted";
    [JsonPropertyName("auth_methods")] public IReadOnlyList<string> AuthMethods { get; init; } = ["tls"];
    [JsonPropertyName("auth_user_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthUserName { get; init; }
    [JsonPropertyName("auth_user_method")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthUserMethod { get; init; }
    [JsonPropertyName("public")] public bool Public { get; init; }
    [JsonPropertyName("environment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ServerEnvironment? Environment { get; init; }
}

using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>A trusted certificate, as <c>GET /1.0/certificates/{fingerprint}</c> shows it.</summary>
public sealed class Certificate
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "client";
    [JsonPropertyName("restricted")] public bool Restricted { get; init; }
    [JsonPropertyName("projects")] public IReadOnlyList<string> Projects { get; init; } = [];
    [JsonPropertyName("certificate")] public string PemCertificate { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
}

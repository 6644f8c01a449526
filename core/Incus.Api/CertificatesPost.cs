using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>
/// <c>POST /1.0/certificates</c>: add a certificate (trusted callers), ask for a trust token
/// (<c>token: true</c>), or add the caller's own certificate with a token (<c>trust_token</c>).
/// </summary>
public sealed class CertificatesPost
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("restricted")] public bool Restricted { get; init; }
    [JsonPropertyName("projects")] public List<string>? Projects { get; init; }
    /// <summary>PEM, or base64 DER as Incus also accepts on POST.</summary>
    [JsonPropertyName("certificate")] public string? Certificate { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("token")] public bool Token { get; init; }
    [JsonPropertyName("trust_token")] public string? TrustToken { get; init; }
    /// <summary>
    /// Trust passwords are not supported; older clients (LXD 5.0's <c>lxc remote add &lt;token&gt;</c>)
    /// send the token in this field, so it is read as a token.
    /// </summary>
    [JsonPropertyName("password")] public string? Password { get; init; }
}

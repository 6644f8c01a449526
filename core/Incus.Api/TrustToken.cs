using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>
/// A certificate add token as clients exchange it: base64 (standard alphabet) of a JSON object. The
/// LXD 5.0 and Incus clients decode exactly this shape, and refuse a token missing any of these fields.
/// </summary>
public sealed record TrustToken(
    [property: JsonPropertyName("client_name")] string ClientName,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("addresses")] IReadOnlyList<string> Addresses,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, ApiJson.Options));

    /// <summary>The token, or null with the reason when <paramref name="text"/> is not a complete token.</summary>
    public static TrustToken? TryDecode(string text, out string? error)
    {
        error = null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            error = "the token is not base64";
            return null;
        }
        TrustToken? token;
        try
        {
            token = JsonSerializer.Deserialize<TrustToken>(Encoding.UTF8.GetString(bytes), ApiJson.Options);
        }
        catch (JsonException)
        {
            error = "the token is not a certificate add token";
            return null;
        }
        error = token switch
        {
            null => "the token is empty",
            { ClientName: null or "" } => "no client name in the token",
            { Addresses: null or { Count: 0 } } => "no server addresses in the token",
            { Secret: null or "" } => "no secret in the token",
            { Fingerprint: null or "" } => "no server certificate fingerprint in the token",
            _ => null,
        };
        return error is null ? token : null;
    }
}

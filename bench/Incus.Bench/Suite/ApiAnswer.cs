using System.Text.Json;

namespace Incus.Bench.Suite;

/// <summary>One answer of the REST API: the HTTP status and the parsed body (default when empty).</summary>
public sealed record ApiAnswer(int Status, JsonElement Body)
{
    public string ErrorText => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out JsonElement error)
        ? error.GetString() ?? ""
        : "";
}

using System.Text.Json;
using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>Renders API metadata as YAML (the default, as in Incus) or JSON.</summary>
public static class OutputFormat
{
    public static readonly string[] Names = ["yaml", "json"];

    public static string Render(JsonElement value, string format) => format switch
    {
        "json" => JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }),
        _ => new SerializerBuilder().Build().Serialize(ToPlain(value)),
    };

    /// <summary>Converts JSON into dictionaries, lists and scalars, keeping key order.</summary>
    public static object? ToPlain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long l) ? l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

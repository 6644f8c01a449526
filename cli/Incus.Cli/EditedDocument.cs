using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>
/// The YAML a user edited, read field by field. Only the fields a command asks for are used, so the
/// read-only parts of what was shown (expanded_*, status, used_by, name…) are ignored, as Incus does.
/// A field that is present but of the wrong shape is an error naming it; an absent field is null.
/// </summary>
public sealed class EditedDocument
{
    private readonly Dictionary<string, object?> _fields;

    private EditedDocument(Dictionary<string, object?> fields) => _fields = fields;

    public static EditedDocument Parse(string yaml)
    {
        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object?>(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CliException($"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
        }
        return document switch
        {
            null => new EditedDocument(new Dictionary<string, object?>(StringComparer.Ordinal)),
            Dictionary<object, object?> mapping => new EditedDocument(mapping.ToDictionary(kv => kv.Key?.ToString() ?? "", kv => kv.Value, StringComparer.Ordinal)),
            _ => throw new CliException("invalid YAML: the document must be a mapping of fields"),
        };
    }

    public string? Text(string field) => _fields.GetValueOrDefault(field) switch
    {
        null => null,
        string text => text,
        _ => throw new CliException($"invalid YAML: \"{field}\" must be a single value"),
    };

    public bool? Boolean(string field) => Text(field) switch
    {
        null => null,
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        var other => throw new CliException($"invalid YAML: \"{field}\" must be true or false, not \"{other}\""),
    };

    public List<string>? Strings(string field) => _fields.GetValueOrDefault(field) switch
    {
        null => null,
        List<object?> items when items.All(i => i is string) => items.Cast<string>().ToList(),
        _ => throw new CliException($"invalid YAML: \"{field}\" must be a list of names"),
    };

    /// <summary>A mapping of keys to values; a key without a value means the empty string, as in Incus.</summary>
    public Dictionary<string, string>? Map(string field) => Map(_fields.GetValueOrDefault(field), field);

    /// <summary>Devices: a mapping of device names to mappings of their keys.</summary>
    public Dictionary<string, Dictionary<string, string>>? Devices(string field) => _fields.GetValueOrDefault(field) switch
    {
        null => null,
        Dictionary<object, object?> devices => devices.ToDictionary(
            kv => kv.Key?.ToString() ?? "",
            kv => Map(kv.Value, $"{field}.{kv.Key}") ?? new Dictionary<string, string>(StringComparer.Ordinal),
            StringComparer.Ordinal),
        _ => throw new CliException($"invalid YAML: \"{field}\" must be a mapping of device names to their keys"),
    };

    private static Dictionary<string, string>? Map(object? value, string field) => value switch
    {
        null => null,
        Dictionary<object, object?> mapping => mapping.ToDictionary(
            kv => kv.Key?.ToString() ?? "",
            kv => kv.Value switch
            {
                null => "",
                string text => text,
                _ => throw new CliException($"invalid YAML: \"{field}.{kv.Key}\" must be a single value"),
            },
            StringComparer.Ordinal),
        _ => throw new CliException($"invalid YAML: \"{field}\" must be a mapping of keys to values"),
    };
}

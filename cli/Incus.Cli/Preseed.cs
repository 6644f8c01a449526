using System.Text.Json;
using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>
/// The <c>incus admin init --preseed</c> document. Every section is checked before anything is
/// applied, so a preseed either applies whole or not at all.
/// </summary>
public sealed class Preseed
{
    private static readonly HashSet<string> KnownSections = ["config", "networks", "storage_pools", "profiles", "projects", "cluster"];

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);

    public static Preseed Parse(string yaml)
    {
        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object?>(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CliException($"invalid preseed YAML: {ex.Message}");
        }
        var preseed = new Preseed();
        if (document is null)
        {
            return preseed;
        }
        if (document is not Dictionary<object, object?> root)
        {
            throw new CliException("invalid preseed: the document must be a mapping");
        }
        foreach (var (keyObject, value) in root)
        {
            string key = keyObject?.ToString() ?? "";
            if (!KnownSections.Contains(key))
            {
                throw new CliException($"invalid preseed: unknown section \"{key}\"");
            }
            if (key == "config")
            {
                if (value is not Dictionary<object, object?> config)
                {
                    throw new CliException("invalid preseed: config must be a mapping of keys to values");
                }
                foreach (var (configKey, configValue) in config)
                {
                    preseed.Config[configKey?.ToString() ?? ""] = configValue?.ToString() ?? "";
                }
            }
            else if (value is not null && !(value is List<object?> { Count: 0 }))
            {
                throw new CliException($"the preseed section \"{key}\" is not supported by this daemon yet; nothing was applied");
            }
        }
        return preseed;
    }

    public string ToServerPatch() => JsonSerializer.Serialize(new { config = Config });
}

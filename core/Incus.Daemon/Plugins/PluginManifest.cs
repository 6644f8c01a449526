using System.Text.Json;
using System.Text.Json.Serialization;
using Incus.Sdk.Plugins;

namespace Incus.Daemon.Plugins;

/// <summary>The <c>plugin.json</c> each plugin folder carries.</summary>
public sealed record PluginManifest
{
    public const string FileName = "plugin.json";

    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }
    [JsonPropertyName("sdk")] public required string Sdk { get; init; }
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("assembly")] public required string Assembly { get; init; }

    public static PluginManifest Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new PluginLoadException($"no {FileName} in {folder}");
        }
        PluginManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), PluginManifestJsonContext.Default.PluginManifest);
        }
        catch (JsonException ex)
        {
            throw new PluginLoadException($"{path}: {ex.Message}");
        }
        if (manifest is null)
        {
            throw new PluginLoadException($"{path} is empty");
        }
        if (!Enum.TryParse<PluginKind>(manifest.Kind, ignoreCase: true, out _))
        {
            throw new PluginLoadException($"{path}: unknown kind \"{manifest.Kind}\" (network, nic, firewall or storage)");
        }
        if (manifest.Assembly.Contains('/') || manifest.Assembly.Contains("..", StringComparison.Ordinal))
        {
            throw new PluginLoadException($"{path}: assembly must be a file name inside the plugin folder");
        }
        return manifest;
    }
}

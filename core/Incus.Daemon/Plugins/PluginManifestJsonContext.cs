using System.Text.Json.Serialization;

namespace Incus.Daemon.Plugins;

/// <summary>
/// Compile-time JSON metadata for <see cref="PluginManifest"/>: every plugin's manifest is read while
/// the daemon starts, and building the metadata by reflection there cost tens of milliseconds.
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PluginManifest))]
internal sealed partial class PluginManifestJsonContext : JsonSerializerContext;

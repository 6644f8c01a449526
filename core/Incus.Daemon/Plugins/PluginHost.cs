using Incus.Api;
using Incus.Sdk;
using Incus.Sdk.Drivers;
using Incus.Sdk.Plugins;
using McMaster.NETCore.Plugins;
using Serilog;

namespace Incus.Daemon.Plugins;

/// <summary>
/// Loads every plugin folder under the plugin directory. A plugin that is missing its manifest,
/// wants another SDK version, or throws, is reported and skipped; the daemon starts regardless.
/// </summary>
public sealed class PluginHost(string pluginDirectory, DriverRegistry registry, ILogger log)
{
    private static readonly Type[] SharedTypes =
    [
        typeof(IIncusPlugin), typeof(IDriverRegistry), typeof(IDriver), typeof(INetworkDriver), typeof(INicDeviceDriver),
        typeof(IFirewallDriver), typeof(IStorageDriver), typeof(Incus.Sdk.Helpers.INetHelper), typeof(Incus.Sdk.Helpers.IHostHelper),
    ];

    private readonly List<PluginStatus> _statuses = new();

    public IReadOnlyList<PluginStatus> Statuses => _statuses;

    public void LoadAll()
    {
        if (!Directory.Exists(pluginDirectory))
        {
            log.Warning("plugin directory {Directory} does not exist; no drivers loaded", pluginDirectory);
            return;
        }
        foreach (string folder in Directory.GetDirectories(pluginDirectory).Order(StringComparer.Ordinal))
        {
            _statuses.Add(LoadOne(folder));
        }
    }

    internal PluginStatus LoadOne(string folder)
    {
        string name = Path.GetFileName(folder);
        PluginManifest? manifest = null;
        try
        {
            manifest = PluginManifest.Read(folder);
            CheckSdk(manifest);
            string assemblyPath = Path.Combine(folder, manifest.Assembly);
            if (!File.Exists(assemblyPath))
            {
                throw new PluginLoadException($"{manifest.Assembly} is missing from {folder}");
            }
            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config => config.PreferSharedTypes = true);
            var assembly = loader.LoadDefaultAssembly();
            var entryTypes = assembly.GetTypes()
                .Where(t => typeof(IIncusPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (entryTypes.Count != 1)
            {
                throw new PluginLoadException($"{manifest.Assembly} must contain exactly one IIncusPlugin implementation, found {entryTypes.Count}");
            }
            var plugin = (IIncusPlugin)Activator.CreateInstance(entryTypes[0])!;
            var registration = registry.For(manifest.Name);
            plugin.Register(registration);
            log.Information("loaded plugin {Plugin} {Version} ({Kind}): {Drivers}", manifest.Name, manifest.Version, manifest.Kind,
                registration.Added.Count == 0 ? "no drivers yet" : string.Join(", ", registration.Added));
            return Status(name, manifest, "loaded", null, registration.Added);
        }
        catch (Exception ex)
        {
            // Any failure of a third-party plugin, including its own exceptions, is reported, not fatal.
            string message = ex is PluginLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            log.Error("plugin {Plugin} not loaded: {Error}", name, message);
            return Status(name, manifest, "failed", message, []);
        }
    }

    private static void CheckSdk(PluginManifest manifest)
    {
        VersionRange range;
        try
        {
            range = VersionRange.Parse(manifest.Sdk);
        }
        catch (FormatException ex)
        {
            throw new PluginLoadException($"plugin {manifest.Name}: sdk range \"{manifest.Sdk}\" is invalid: {ex.Message}");
        }
        var current = SemanticVersion.Parse(SdkVersion.Current);
        if (!range.Contains(current))
        {
            throw new PluginLoadException(
                $"plugin {manifest.Name} requires SDK {range}, but this daemon provides SDK {current}");
        }
    }

    private static PluginStatus Status(string folder, PluginManifest? manifest, string status, string? error, IReadOnlyList<string> drivers) => new()
    {
        Name = manifest?.Name ?? folder,
        Kind = manifest?.Kind ?? "",
        Version = manifest?.Version ?? "",
        Sdk = manifest?.Sdk ?? "",
        Description = manifest?.Description ?? "",
        Status = status,
        Error = error,
        Drivers = drivers,
    };
}

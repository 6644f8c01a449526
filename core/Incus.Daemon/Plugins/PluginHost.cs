using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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

    private static readonly string SdkAssemblyName = typeof(IIncusPlugin).Assembly.GetName().Name!;

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

    /// <summary>
    /// Loads one plugin folder into the registry and returns what happened. Public so that the
    /// conformance kit (incus-driver-check) loads a plugin exactly as the daemon does.
    /// </summary>
    public PluginStatus LoadOne(string folder)
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
            CheckBuiltAgainst(manifest, assemblyPath);
            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config => config.PreferSharedTypes = true);
            var assembly = loader.LoadDefaultAssembly();
            var entryTypes = assembly.GetTypes()
                .Where(t => typeof(IIncusPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (entryTypes.Count != 1)
            {
                throw new PluginLoadException($"{manifest.Assembly} must contain exactly one IIncusPlugin implementation, found {entryTypes.Count}");
            }
            IIncusPlugin plugin;
            try
            {
                plugin = (IIncusPlugin)Activator.CreateInstance(entryTypes[0])!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                // Report the plugin's own exception, not the reflection wrapper around it.
                throw new PluginLoadException($"plugin {manifest.Name}: its constructor threw {ex.InnerException.GetType().Name}: {ex.InnerException.Message}", ex.InnerException);
            }
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

    /// <summary>
    /// The manifest says which SDK a plugin accepts; the compiled reference says which one it was built
    /// against. A plugin built against another major, or a newer minor than this daemon's, may call members
    /// this SDK lacks, so it is refused before any of its code runs, whatever its manifest claims.
    /// </summary>
    private static void CheckBuiltAgainst(PluginManifest manifest, string assemblyPath)
    {
        Version? built;
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            built = metadata.AssemblyReferences
                .Select(handle => metadata.GetAssemblyReference(handle))
                .Where(reference => metadata.GetString(reference.Name) == SdkAssemblyName)
                .Select(reference => reference.Version)
                .FirstOrDefault();
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            throw new PluginLoadException($"plugin {manifest.Name}: {manifest.Assembly} is not a .NET assembly: {ex.Message}");
        }
        if (built is null)
        {
            throw new PluginLoadException($"plugin {manifest.Name}: {manifest.Assembly} does not reference {SdkAssemblyName}, so it cannot be a driver plugin");
        }
        var current = SemanticVersion.Parse(SdkVersion.Current);
        if (built.Major != current.Major || built.Minor > current.Minor)
        {
            throw new PluginLoadException(
                $"plugin {manifest.Name} was built against SDK {built.Major}.{built.Minor}, but this daemon provides SDK {current}");
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

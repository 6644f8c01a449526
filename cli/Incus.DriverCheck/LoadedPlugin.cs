using Incus.Api;
using Incus.Daemon.Plugins;

namespace Incus.DriverCheck;

/// <summary>A plugin folder after the daemon's loader accepted it: its status and the drivers it registered.</summary>
public sealed record LoadedPlugin(string Folder, PluginStatus Status, DriverRegistry Registry);

namespace Incus.Daemon.Plugins;

/// <summary>A plugin that cannot be used; the message says why, for the log and <c>GET /1.0</c>.</summary>
public sealed class PluginLoadException(string message, Exception? inner = null) : Exception(message, inner);

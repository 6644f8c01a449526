namespace Incus.Daemon.Api;

/// <summary>
/// Server config updates run one at a time: each may move the TLS listener before it writes the
/// config, and two interleaved updates could leave the listener on an address the config does not hold.
/// </summary>
public static class ServerUpdates
{
    public static readonly SemaphoreSlim Gate = new(1, 1);
}

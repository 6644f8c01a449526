namespace Incus.Daemon.Helpers;

/// <summary>
/// How long the core waits for each kind of helper call. A helper that does not answer in time is
/// treated as stuck: the call is cancelled and the API answers 503 instead of hanging the request.
/// The limits include time spent queued behind the helper's other work, so they are generous.
/// </summary>
public static class HelperTimeouts
{
    /// <summary>Queries and single-inode changes, which a healthy helper answers in milliseconds.</summary>
    public static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starting a container (lxc-start returns once its init runs) or a command in one; both wait their
    /// turn behind the runtime helper's other container work, and a loaded host takes seconds.
    /// </summary>
    public static readonly TimeSpan ContainerStart = TimeSpan.FromMinutes(2);

    /// <summary>Unpacking an image or removing an instance's tree grows with its size.</summary>
    public static readonly TimeSpan TreeWork = TimeSpan.FromMinutes(30);

    /// <summary>A clean stop may take as long as the container was given, plus lxc-stop's own work.</summary>
    public static TimeSpan ContainerStop(int timeoutSeconds) => TimeSpan.FromSeconds(Math.Max(timeoutSeconds, 0)) + TimeSpan.FromSeconds(30);
}

namespace Incus.Daemon.Api;

/// <summary>
/// Holds API requests until the core has finished starting (hardening applied, firewall chosen,
/// networks and NIC filters reconciled). The listeners start while that work runs, so that their own
/// start-up overlaps with it; a request that arrives early waits instead of seeing a half-started
/// daemon, just as it would have waited in the socket's backlog.
/// </summary>
public sealed class StartupGate
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A gate that is already open, for applications built after start-up.</summary>
    public static StartupGate Open()
    {
        var gate = new StartupGate();
        gate.Release();
        return gate;
    }

    public bool IsOpen => _opened.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _opened.Task.WaitAsync(cancellationToken);

    public void Release() => _opened.TrySetResult();
}

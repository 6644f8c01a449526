namespace Incus.Daemon.Exec;

/// <summary>What a control-websocket message asks of a running exec.</summary>
public enum ExecControlAction
{
    /// <summary>Not acted on: unknown, malformed, or asking for a value outside the limits.</summary>
    Ignored,
    WindowResize,
    Signal,
}

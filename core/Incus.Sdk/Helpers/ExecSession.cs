namespace Incus.Sdk.Helpers;

/// <summary>
/// Where to pick up a started exec: a one-use Unix socket in the daemon's run directory that only
/// the requesting process may connect to. Frames on it are [type:1][length:4, big-endian][data]:
/// 0 stdin, 4 end of stdin (to the helper); 1 stdout, 2 stderr, 3 exit code as text (from the helper).
/// </summary>
public sealed record ExecSession
{
    /// <summary>The socket's file name inside $INCUS_DIR/run.</summary>
    public required string SocketName { get; init; }
}

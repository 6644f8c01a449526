namespace Incus.Sdk.Helpers;

/// <summary>
/// Where to pick up a started exec: a one-use Unix socket in the daemon's run directory that only
/// the requesting process may connect to. Frames on it are [type:1][length:4, big-endian][data].
/// To the helper: 0 input, 4 end of input, 5 window size ([columns:2][rows:2], big-endian),
/// 6 signal for the command ([number:4], big-endian). From the helper: 1 output (on a terminal, all
/// output), 2 standard error (pipes only), 3 exit status as text, always last.
/// </summary>
public sealed record ExecSession
{
    /// <summary>The socket's file name inside $INCUS_DIR/run.</summary>
    public required string SocketName { get; init; }
}

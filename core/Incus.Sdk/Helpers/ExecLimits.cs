namespace Incus.Sdk.Helpers;

/// <summary>
/// What an exec session's control messages may ask for. The core refuses anything else before it
/// reaches the helper, and the LXC helper checks every value again against the same rules.
/// </summary>
public static class ExecLimits
{
    /// <summary>Largest terminal width or height accepted; real terminals stay far below it.</summary>
    public const int MaxWindowDimension = 10000;

    /// <summary>
    /// Signals a client may forward to the command: the ones the Incus and LXD clients forward
    /// (HUP, INT, QUIT, ABRT, USR1, SEGV, USR2, TERM, CONT, TSTP, TTIN, TTOU), plus KILL, ALRM, STOP and
    /// WINCH. Signal 0 (a liveness probe), real-time signals and numbers the kernel does not know are refused.
    /// </summary>
    public static readonly IReadOnlySet<int> AllowedSignals = new HashSet<int> { 1, 2, 3, 6, 9, 10, 11, 12, 14, 15, 18, 19, 20, 21, 22, 28 };

    /// <summary>Whether a terminal size is one the helper accepts.</summary>
    public static bool IsValidWindowSize(long width, long height) =>
        width is >= 1 and <= MaxWindowDimension && height is >= 1 and <= MaxWindowDimension;

    /// <summary>Whether a signal may be forwarded to an exec'd command.</summary>
    public static bool IsAllowedSignal(long signal) => signal is > 0 and < 64 && AllowedSignals.Contains((int)signal);
}

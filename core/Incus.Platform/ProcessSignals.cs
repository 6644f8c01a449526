using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>kill(2) with any signal; Process offers only SIGKILL.</summary>
public static class ProcessSignals
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public static void Send(int pid, int signal)
    {
        if (NativeMethods.kill(pid, signal) != 0)
        {
            throw new IOException($"kill({pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace Incus.Platform;

/// <summary>
/// Cuts a root process down to a fixed capability set. Capabilities are per thread and the .NET
/// runtime has started several threads before Main runs, so the process shrinks its bounding set
/// and re-executes itself: after execve every thread starts from the reduced set.
/// </summary>
public static class CapabilityReduction
{
    private const int PrCapbsetDrop = 24;
    private const int PrCapAmbient = 47;
    private const int PrCapAmbientClearAll = 4;
    private const string MarkerVariable = "INCUS_CAPABILITIES_REDUCED";

    /// <summary>
    /// Ensures the process runs with exactly <paramref name="keep"/> as effective and permitted set.
    /// Returns normally only when that holds; otherwise re-executes or throws.
    /// </summary>
    public static void EnsureOnly(CapabilitySet keep)
    {
        int lastCap = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim());
        var status = ProcessStatus.ReadSelf();
        // Capabilities this kernel does not know, or that the parent's bounding set already removed, cannot
        // be held; asking for them must not stop the helper, and the result is never more than was asked.
        keep = new CapabilitySet(keep.Mask & ((1UL << (lastCap + 1)) - 1) & status.Bounding.Mask);
        if (status.Effective == keep && status.Permitted == keep && (status.Bounding.Mask & ~keep.Mask) == 0)
        {
            return;
        }
        if (Environment.GetEnvironmentVariable(MarkerVariable) == "1")
        {
            throw new InvalidOperationException(
                $"capabilities are still {status.Effective} (permitted {status.Permitted}) after re-exec; wanted {keep}. Refusing to run.");
        }

        for (int cap = 0; cap <= lastCap; cap++)
        {
            if ((keep.Mask & (1UL << cap)) == 0 && NativeMethods.prctl(PrCapbsetDrop, (ulong)cap, 0, 0, 0) != 0)
            {
                throw new InvalidOperationException($"PR_CAPBSET_DROP {cap}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        // Ambient capabilities would survive execve regardless of the bounding set for non-root; clear them.
        NativeMethods.prctl(PrCapAmbient, PrCapAmbientClearAll, 0, 0, 0);

        string?[] argv = ReadCommandLine().Cast<string?>().Append(null).ToArray();
        string?[] envp = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k != MarkerVariable)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .Append($"{MarkerVariable}=1")
            .Cast<string?>()
            .Append(null)
            .ToArray();
        // Exec the resolved binary, not /proc/self/exe, so the process keeps its name in ps and /proc.
        string executable = File.ResolveLinkTarget("/proc/self/exe", returnFinalTarget: true)?.FullName ?? "/proc/self/exe";
        NativeMethods.execve(executable, argv, envp);
        throw new InvalidOperationException($"re-exec with reduced capabilities failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    private static string[] ReadCommandLine()
    {
        byte[] raw = File.ReadAllBytes("/proc/self/cmdline");
        return Encoding.UTF8.GetString(raw).TrimEnd('\0').Split('\0');
    }
}

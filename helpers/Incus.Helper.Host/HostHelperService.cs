using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Host;

/// <summary>The host helper's operations. Each one is audited through the call context.</summary>
public sealed class HostHelperService(CallContext context, HostHardening paths) : IHostHelper
{
    public static readonly CapabilitySet Capabilities = CapabilitySet.Empty;

    public Task<HostHardeningReport> ApplyHostHardeningAsync(CancellationToken cancellationToken = default) =>
        context.AuditedAsync("ApplyHostHardening", null, () =>
        {
            var report = new HostHardeningReport
            {
                Paths =
                [
                    Restrict(paths.SchedDebugPath, HostHardening.SchedDebugMode,
                        "absent: kernels since 5.13 moved it to debugfs (/sys/kernel/debug/sched/debug)"),
                    DescribeDebugfs(paths.DebugfsSchedPath),
                    Restrict(paths.SlabPath, HostHardening.SlabMode, "absent: the kernel has no slab directory"),
                ],
            };
            return Task.FromResult(report);
        });

    private static HardenedPath Restrict(string path, UnixFileMode mode, string absentDetail)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return new HardenedPath { Path = path, Outcome = "absent", Detail = absentDetail };
        }
        try
        {
            var current = File.GetUnixFileMode(path);
            if (current == mode)
            {
                return new HardenedPath { Path = path, Outcome = "unchanged", Mode = Octal(current) };
            }
            File.SetUnixFileMode(path, mode);
            var after = File.GetUnixFileMode(path);
            return after == mode
                ? new HardenedPath { Path = path, Outcome = "changed", Mode = Octal(after), Detail = $"was {Octal(current)}" }
                : new HardenedPath { Path = path, Outcome = "failed", Mode = Octal(after), Detail = $"mode is {Octal(after)} after chmod {Octal(mode)}" };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new HardenedPath { Path = path, Outcome = "failed", Detail = ex.Message };
        }
    }

    /// <summary>debugfs stays as the kernel mounted it (root-only); the helper only reports it.</summary>
    private static HardenedPath DescribeDebugfs(string path)
    {
        if (!File.Exists(path))
        {
            return new HardenedPath { Path = path, Outcome = "absent", Detail = "debugfs is not mounted or has no sched/debug" };
        }
        var mode = File.GetUnixFileMode(path);
        bool othersCanRead = (mode & (UnixFileMode.OtherRead | UnixFileMode.GroupRead)) != 0;
        return new HardenedPath
        {
            Path = path,
            Outcome = othersCanRead ? "failed" : "unchanged",
            Mode = Octal(mode),
            Detail = othersCanRead ? "readable by non-root users; remount debugfs with mode=0700" : "debugfs is root-only",
        };
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}

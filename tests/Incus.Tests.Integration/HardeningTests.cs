namespace Incus.Tests.Integration;

/// <summary>Container names must not leak through /proc/sched_debug or /sys/kernel/slab.</summary>
[Collection(DaemonCollection.Name)]
public sealed class HardeningTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task SlabIsRootOnlyAfterStart()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode("/sys/kernel/slab"));
        var listing = await Command.RunAsUserAsync(TestUsers.Outsider, "/bin/ls", ["/sys/kernel/slab"]);
        Assert.NotEqual(0, listing.ExitCode);
        Assert.Contains("Permission denied", listing.Error);
    }

    [Fact]
    public async Task SchedDebugIsRootReadOnlyWhenItExists()
    {
        if (File.Exists("/proc/sched_debug"))
        {
            Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode("/proc/sched_debug"));
            var read = await Command.RunAsUserAsync(TestUsers.Outsider, "/bin/cat", ["/proc/sched_debug"]);
            Assert.NotEqual(0, read.ExitCode);
        }
        var report = await HardeningReportAsync();
        var schedDebug = report.Single(p => p.GetProperty("path").GetString() == "/proc/sched_debug");
        Assert.Equal(File.Exists("/proc/sched_debug") ? "0400" : null,
            schedDebug.TryGetProperty("mode", out var mode) ? mode.GetString() : null);
        Assert.Contains(schedDebug.GetProperty("outcome").GetString(), new[] { "changed", "unchanged", "absent" });
    }

    [Fact]
    public async Task TheEnvironmentReportsWhatWasDone()
    {
        var report = await HardeningReportAsync();
        var slab = report.Single(p => p.GetProperty("path").GetString() == "/sys/kernel/slab");
        Assert.Contains(slab.GetProperty("outcome").GetString(), new[] { "changed", "unchanged" });
        Assert.Equal("0700", slab.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task ReapplyingIsIdempotentAndAudited()
    {
        var first = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
        var second = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        var slab = second.Metadata.EnumerateArray().Single(p => p.GetProperty("path").GetString() == "/sys/kernel/slab");
        Assert.Equal("unchanged", slab.GetProperty("outcome").GetString());

        string audit = await File.ReadAllTextAsync(Path.Combine(Daemon.Directory, "logs", "audit.log"));
        Assert.Contains("\"operation\":\"ApplyHostHardening\"", audit);
        Assert.Contains("\"outcome\":\"succeeded\"", audit);
        Assert.Contains($"\"caller_pid\":{Daemon.CorePid}", audit);
    }

    private async Task<List<System.Text.Json.JsonElement>> HardeningReportAsync()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        return answer.Metadata.GetProperty("environment").GetProperty("host_hardening").EnumerateArray().ToList();
    }
}

using System.Diagnostics;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Tests.Integration;

/// <summary>
/// A helper that stops answering must fail the core's calls after their time limit, not hang them.
/// The helpers here are real; SIGSTOP makes them stall exactly as a wedged process would.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class HelperTimeoutTests(DaemonFixture fixture)
{
    private static readonly ILogger Log = new LoggerConfiguration().CreateLogger();

    [Fact]
    public async Task AStalledHelperFailsTheCallAtItsTimeLimitAndTheConnectionRecovers()
    {
        await using var helper = await StandaloneHelper.StartAsync("instance");
        await using var connection = new HelperConnection<IStorageHelper>("instance", helper.SocketPath, Log);
        Assert.Empty(await connection.CallAsync("ListDirPools", (storage, token) => storage.ListDirPoolsAsync(token)));

        ProcessSignals.Send(helper.Process.Id, ProcessSignals.SigStop);
        try
        {
            var clock = Stopwatch.StartNew();
            var timedOut = await Assert.ThrowsAsync<HelperTimeoutException>(() =>
                connection.CallAsync("ListDirPools", (storage, token) => storage.ListDirPoolsAsync(token), timeout: TimeSpan.FromSeconds(1)));
            clock.Stop();
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
            Assert.Contains("did not answer ListDirPools within 1 s", timedOut.Message);
        }
        finally
        {
            ProcessSignals.Send(helper.Process.Id, ProcessSignals.SigCont);
        }
        // The late answer to the abandoned call is dropped; the same connection serves the next call.
        await connection.CallAsync("CreateDirPool", (storage, token) => storage.CreateDirPoolAsync(new PoolName { Name = "after" }, token));
        Assert.Equal(["after"], await connection.CallAsync("ListDirPools", (storage, token) => storage.ListDirPoolsAsync(token)));
    }

    [Fact]
    public async Task TheApiAnswers503InTheIncusFormatWhenAHelperStalls()
    {
        var daemon = fixture.Daemon;
        Assert.Equal(200, (await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/internal/hardening")).Status);
        int host = daemon.HelperPid("host");
        ProcessSignals.Send(host, ProcessSignals.SigStop);
        try
        {
            var clock = Stopwatch.StartNew();
            var stalled = await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
            clock.Stop();
            Assert.Equal(503, stalled.Status);
            Assert.Equal("error", stalled.Body.GetProperty("type").GetString());
            Assert.Equal(503, stalled.Body.GetProperty("error_code").GetInt32());
            Assert.Contains("host helper did not answer ApplyHostHardening", stalled.Error);
            Assert.InRange(clock.Elapsed, HelperTimeouts.Quick - TimeSpan.FromSeconds(0.5), HelperTimeouts.Quick + TimeSpan.FromSeconds(10));
            Assert.Equal(host, daemon.HelperPid("host"));
        }
        finally
        {
            ProcessSignals.Send(host, ProcessSignals.SigCont);
        }
        Assert.Equal(200, (await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/internal/hardening")).Status);
    }
}

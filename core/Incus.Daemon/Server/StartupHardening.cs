using Incus.Daemon.Helpers;
using Serilog;

namespace Incus.Daemon.Server;

/// <summary>Applies the host hardening through the host helper when the core starts.</summary>
public static class StartupHardening
{
    public static async Task ApplyAsync(HelperClients helpers, ServerState server, ILogger log)
    {
        // The supervisor announces our pid to the helpers right after spawning us; allow for that gap.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var report = await helpers.Host.CallAsync("ApplyHostHardening", (host, token) => host.ApplyHostHardeningAsync(token)).ConfigureAwait(false);
                server.RecordHardening(report);
                foreach (var path in report.Paths)
                {
                    log.Information("hardening {Path}: {Outcome} {Mode} {Detail}", path.Path, path.Outcome, path.Mode, path.Detail);
                }
                return;
            }
            catch (Exception ex) when (ex is HelperUnavailableException or HelperFailedException or HelperTimeoutException)
            {
                if (attempt >= 10)
                {
                    log.Error("host hardening could not be applied: {Error}", ex.Message);
                    server.RecordHardeningFailure(ex.Message);
                    return;
                }
                await Task.Delay(100 * attempt).ConfigureAwait(false);
            }
        }
    }
}

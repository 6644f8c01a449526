using Incus.Daemon.Plugins;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Networks;

/// <summary>
/// Which firewall driver the daemon uses: the installed one with the lowest auto priority whose
/// functional probe (create and delete a throwaway object) succeeds here.
/// </summary>
public sealed class FirewallChoice
{
    public IFirewallDriver? Driver { get; private set; }

    /// <summary>Why no driver was chosen, when none was.</summary>
    public string Reason { get; private set; } = "not probed yet";

    public async Task SelectAsync(DriverRegistry drivers, INetHelper helper, ILogger log, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var candidate in drivers.Firewalls.Values.OrderBy(d => d.AutoPriority).ThenBy(d => d.Name, StringComparer.Ordinal))
        {
            try
            {
                if (await candidate.ProbeAsync(helper, cancellationToken).ConfigureAwait(false))
                {
                    Driver = candidate;
                    Reason = "";
                    log.Information("firewall driver: {Driver}", candidate.Name);
                    return;
                }
                failures.Add($"{candidate.Name}: probe said no");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{candidate.Name}: {ex.Message}");
            }
        }
        Reason = drivers.Firewalls.Count == 0 ? "no firewall plugin is installed" : string.Join("; ", failures);
        log.Warning("no firewall driver works here ({Reason}); networks get no NAT or firewall rules", Reason);
    }
}

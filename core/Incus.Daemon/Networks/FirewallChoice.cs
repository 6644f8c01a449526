using Incus.Daemon.Plugins;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Networks;

/// <summary>
/// Which firewall driver the daemon uses. <c>firewall.driver=auto</c> takes the installed driver with
/// the lowest auto priority whose functional probe (create and delete a throwaway object) succeeds;
/// <c>nftables</c> or <c>xtables</c> take that driver or none. Without a driver the daemon still runs,
/// but filtered NICs are refused rather than started unfiltered.
/// </summary>
public sealed class FirewallChoice
{
    public IFirewallDriver? Driver { get; private set; }

    /// <summary>Why no driver was chosen, when none was.</summary>
    public string Reason { get; private set; } = "not probed yet";

    public async Task SelectAsync(DriverRegistry drivers, INetHelper helper, string configured, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        var candidates = configured == "auto"
            ? drivers.Firewalls.Values.OrderBy(d => d.AutoPriority).ThenBy(d => d.Name, StringComparer.Ordinal).ToList()
            : drivers.Firewalls.Values.Where(d => d.Name == configured).ToList();
        var failures = new List<string>();
        foreach (var candidate in candidates)
        {
            try
            {
                if (await candidate.ProbeAsync(helper, cancellationToken).ConfigureAwait(false))
                {
                    Driver = candidate;
                    Reason = "";
                    log.Information("firewall driver: {Driver} (firewall.driver={Configured}{Skipped})", candidate.Name, configured,
                        failures.Count > 0 ? "; not usable: " + string.Join("; ", failures) : "");
                    return;
                }
                failures.Add($"{candidate.Name}: probe said no");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{candidate.Name}: {ex.Message}");
            }
        }
        Reason = candidates.Count == 0
            ? configured == "auto" ? "no firewall plugin is installed" : $"firewall.driver={configured}, but no such firewall plugin is installed"
            : string.Join("; ", failures);
        log.Warning("no firewall driver works here (firewall.driver={Configured}: {Reason}); networks get no NAT or firewall rules and filtered NICs are refused",
            configured, Reason);
    }

    /// <summary>
    /// Removes what the drivers not in use left in the kernel (after a switch of <c>firewall.driver</c>).
    /// A driver that cannot run here has nothing to remove, so its failure is only logged.
    /// </summary>
    public async Task RemoveOthersAsync(DriverRegistry drivers, INetHelper helper, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        foreach (var other in drivers.Firewalls.Values.Where(d => !ReferenceEquals(d, Driver)))
        {
            try
            {
                await other.RemoveEverythingAsync(helper, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.Warning("firewall: could not remove the objects of the unused {Driver} driver: {Message}", other.Name, ex.Message);
            }
        }
    }
}

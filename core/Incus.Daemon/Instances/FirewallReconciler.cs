using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Networks;
using Serilog;

namespace Incus.Daemon.Instances;

/// <summary>
/// <c>incus admin firewall reconcile</c>: every network's rules and every running NIC's filter are
/// installed again from the database, now, without waiting for the drift check (which sees only NIC
/// filters that went missing, not network rules or a flushed device chain).
/// </summary>
public sealed class FirewallReconciler(NetworkService networks, NicFilterWatch filters, EventHub events, ILogger log)
{
    public async Task<FirewallReconcileResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        if (networks.Firewall is not { } firewall)
        {
            // Rebuilding nothing and answering success would hide that filtered NICs cannot start.
            throw new ApiException(503, $"No firewall driver works on this host: {networks.FirewallProblem}");
        }
        var (networkCount, applied) = await networks.ReapplyAllAsync(cancellationToken).ConfigureAwait(false);
        var (nicCount, rebuilt) = await filters.ReconcileAllAsync(cancellationToken).ConfigureAwait(false);
        var result = new FirewallReconcileResult
        {
            Driver = firewall.Name, Networks = networkCount, NetworksApplied = applied, NicFilters = nicCount, NicFiltersRebuilt = rebuilt,
        };
        log.Information("firewall reconcile ({Driver}): applied {Applied} of {Networks} networks and rebuilt {Rebuilt} of {Nics} NIC filters from the database",
            result.Driver, applied, networkCount, rebuilt, nicCount);
        events.Publish("lifecycle", new Dictionary<string, object>
        {
            ["action"] = "firewall-reconciled",
            ["source"] = "/1.0/firewall",
            ["context"] = new Dictionary<string, object>
            {
                ["driver"] = result.Driver, ["networks"] = networkCount, ["networks_applied"] = applied, ["nic_filters"] = nicCount, ["nic_filters_rebuilt"] = rebuilt,
            },
        });
        return result;
    }
}

using Incus.Daemon.Events;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Instances;

/// <summary>
/// Keeps the kernel's NIC filters equal to the database: rebuilds them all at start and on demand,
/// and twice a second asks the firewall driver which running filtered NICs lost their filter (for
/// example to an external <c>nft flush ruleset</c>), then rebuilds just those, logs it and sends an event.
/// </summary>
public sealed class NicFilterWatch(InstanceService instances, InstanceNetworking networking, INetHelper helper, EventHub events, ILogger log)
{
    /// <summary>How often the cheap drift check runs; repairs land well within 2 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Rebuilds every running NIC's filter from the database; returns how many running NICs are filtered and how many were rebuilt.</summary>
    public async Task<(int Total, int Rebuilt)> ReconcileAllAsync(CancellationToken cancellationToken)
    {
        var nics = instances.FilteredNics();
        if (nics.Count == 0)
        {
            return (0, 0);
        }
        int rebuilt = await instances.RebuildNicFiltersAsync(nics, cancellationToken).ConfigureAwait(false);
        log.Information("firewall: rebuilt the filters of {Count} running NICs from the database", rebuilt);
        return (nics.Count, rebuilt);
    }

    /// <summary>Rebuilds the filters that went missing; returns how many.</summary>
    public async Task<int> RepairDriftAsync(CancellationToken cancellationToken)
    {
        if (networking.Firewall is not { } firewall)
        {
            return 0;
        }
        var nics = instances.FilteredNics();
        if (nics.Count == 0)
        {
            return 0;
        }
        var missing = (await firewall.MissingNicFiltersAsync(nics.Select(n => n.HostName).ToList(), helper, cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return 0;
        }
        var broken = nics.Where(n => missing.Contains(n.HostName)).ToList();
        log.Warning("firewall drift: the filters of {Nics} were missing from the kernel; rebuilding them from the database",
            string.Join(", ", broken.Select(n => $"{n.Instance}/{n.Device}")));
        int rebuilt = await instances.RebuildNicFiltersAsync(broken, cancellationToken).ConfigureAwait(false);
        foreach (string instance in broken.Select(n => n.Instance).Distinct(StringComparer.Ordinal))
        {
            events.Publish("lifecycle", new Dictionary<string, object>
            {
                ["action"] = "instance-firewall-repaired",
                ["source"] = $"/1.0/instances/{instance}",
            });
        }
        return rebuilt;
    }

    /// <summary>The drift check loop; ends with <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RepairDriftAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The helper may be restarting; the next tick tries again.
                    log.Error(ex, "firewall drift check failed: {Message}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}

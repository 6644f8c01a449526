using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>xtables batches: validated, then applied with one <c>-restore --noflush</c> run per batch.</summary>
public sealed partial class NetHelperService
{
    public Task ApplyXtablesAsync(XtablesBatch batch, CancellationToken cancellationToken = default) =>
        Run("ApplyXtables", batch, async () =>
        {
            Required(batch, "batch");
            string text = XtablesBatchValidator.Validate(batch.Tool, batch.Table, batch.Lines);
            if (batch.Tool != "ebtables")
            {
                // Our iptables rules for bridged NICs only see bridged frames through bridge netfilter;
                // a filter that silently never matches would be worse than a refusal.
                await RequireBridgeNetfilter(batch.Tool == "iptables" ? "bridge-nf-call-iptables" : "bridge-nf-call-ip6tables", cancellationToken).ConfigureAwait(false);
            }
            // The tool's own lock wait (-w) matters only for the legacy backend; the writer lock of this
            // helper already serialises our own runs.
            string[] arguments = batch.Tool == "ebtables" ? ["--noflush"] : ["-w", "--noflush"];
            await FixedCommand.RunAsync($"/usr/sbin/{batch.Tool}-restore", arguments, text, cancellationToken).ConfigureAwait(false);
        });

    public async Task<XtablesListing> ListXtablesAsync(XtablesQuery query, CancellationToken cancellationToken = default)
    {
        // Read-only and frequent (drift checks): no writer lock, no audit entry; still validated.
        Required(query, "query");
        var (tool, table) = XtablesBatchValidator.ValidateQuery(query.Tool, query.Table);
        string save = await FixedCommand.RunAsync($"/usr/sbin/{tool}-save", ["-t", table], cancellationToken: cancellationToken).ConfigureAwait(false);
        return new XtablesListing { Lines = XtablesBatchValidator.Relevant(save) };
    }

    private static async Task RequireBridgeNetfilter(string key, CancellationToken cancellationToken)
    {
        string path = $"/proc/sys/net/bridge/{key}";
        if (!File.Exists(path))
        {
            throw new HelperRequestException($"bridge netfilter is not available ({path} is missing); the xtables driver needs br_netfilter");
        }
        await WriteSysctl(path, "1", cancellationToken).ConfigureAwait(false);
    }
}

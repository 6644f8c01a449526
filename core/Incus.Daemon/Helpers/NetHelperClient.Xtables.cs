using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>The xtables calls of the net helper client.</summary>
public sealed partial class NetHelperClient
{
    public Task ApplyXtablesAsync(XtablesBatch batch, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ApplyXtables", (helper, token) => helper.ApplyXtablesAsync(batch, token), cancellationToken);

    public Task<XtablesListing> ListXtablesAsync(XtablesQuery query, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListXtables", (helper, token) => helper.ListXtablesAsync(query, token), cancellationToken);
}

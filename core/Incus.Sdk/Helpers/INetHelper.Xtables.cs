namespace Incus.Sdk.Helpers;

/// <summary>The xtables members of the net helper (iptables, ip6tables, ebtables).</summary>
public partial interface INetHelper
{
    /// <summary>
    /// Applies one <c>&lt;tool&gt;-restore --noflush</c> batch to one table. Only chains whose name starts
    /// with <c>INCUS</c> may be declared, flushed, deleted or filled; a built-in chain may only gain or
    /// lose a single jump into such a chain. Policies, zeroing and renaming are refused.
    /// </summary>
    Task ApplyXtablesAsync(XtablesBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// The lines of <c>&lt;tool&gt;-save</c> for one table that concern <c>INCUS</c> chains: their
    /// declarations, their rules and the jumps into them. Read-only, for drift checks and for knowing
    /// which of our chains exist.
    /// </summary>
    Task<XtablesListing> ListXtablesAsync(XtablesQuery query, CancellationToken cancellationToken = default);
}

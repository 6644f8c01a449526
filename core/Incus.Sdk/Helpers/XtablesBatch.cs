namespace Incus.Sdk.Helpers;

/// <summary>Rule lines for one table of one xtables tool, applied as one <c>-restore --noflush</c> batch.</summary>
public sealed record XtablesBatch
{
    /// <summary><c>ebtables</c>, <c>iptables</c> or <c>ip6tables</c>.</summary>
    public required string Tool { get; init; }

    /// <summary><c>filter</c>, <c>raw</c> or <c>nat</c> (ebtables: <c>filter</c> only).</summary>
    public required string Table { get; init; }

    /// <summary>
    /// Restore-format lines without the table header and COMMIT: chain declarations
    /// (<c>:INCUS-X RETURN</c> or <c>:INCUS-X -</c>) and <c>-A</c>, <c>-I</c>, <c>-D</c>, <c>-F</c>, <c>-X</c> commands.
    /// </summary>
    public required IReadOnlyList<string> Lines { get; init; }
}

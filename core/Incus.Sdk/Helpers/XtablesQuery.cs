namespace Incus.Sdk.Helpers;

/// <summary>Which table of which xtables tool to list.</summary>
public sealed record XtablesQuery
{
    /// <summary><c>ebtables</c>, <c>iptables</c> or <c>ip6tables</c>.</summary>
    public required string Tool { get; init; }

    /// <summary><c>filter</c>, <c>raw</c> or <c>nat</c>.</summary>
    public required string Table { get; init; }
}

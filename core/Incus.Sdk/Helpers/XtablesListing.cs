namespace Incus.Sdk.Helpers;

/// <summary>The answer to an <see cref="XtablesQuery"/>.</summary>
public sealed record XtablesListing
{
    /// <summary>The save-format lines that declare, fill or jump into an <c>INCUS</c> chain, in save order.</summary>
    public required IReadOnlyList<string> Lines { get; init; }
}

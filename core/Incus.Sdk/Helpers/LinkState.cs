namespace Incus.Sdk.Helpers;

/// <summary>Administrative state of a link.</summary>
public sealed record LinkState
{
    /// <summary>Interface name.</summary>
    public required string Name { get; init; }

    /// <summary>True to bring the link up, false to bring it down.</summary>
    public required bool Up { get; init; }
}

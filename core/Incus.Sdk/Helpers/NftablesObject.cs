namespace Incus.Sdk.Helpers;

/// <summary>One object of a table of ours: <c>incus</c> or <c>incus-</c>….</summary>
public sealed record NftablesObject
{
    /// <summary>The table's family: <c>inet</c>, <c>bridge</c>, ...</summary>
    public required string Family { get; init; }

    /// <summary>The table's name; null means <c>incus</c>.</summary>
    public string? Table { get; init; }

    /// <summary><c>chain</c>, <c>map</c> or <c>set</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The object's name.</summary>
    public required string Name { get; init; }
}

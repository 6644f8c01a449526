namespace Incus.Sdk.Helpers;

/// <summary>Names one link.</summary>
public sealed record LinkName
{
    /// <summary>Interface name.</summary>
    public required string Name { get; init; }
}

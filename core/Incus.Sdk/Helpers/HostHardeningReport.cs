namespace Incus.Sdk.Helpers;

/// <summary>What the host helper did to each hardened path.</summary>
public sealed record HostHardeningReport
{
    /// <summary>One entry per path, in a fixed order.</summary>
    public required IReadOnlyList<HardenedPath> Paths { get; init; }
}

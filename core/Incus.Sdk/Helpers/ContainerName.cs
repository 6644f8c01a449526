namespace Incus.Sdk.Helpers;

/// <summary>Names one container.</summary>
public sealed record ContainerName
{
    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }
}

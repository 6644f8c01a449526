namespace Incus.Sdk.Helpers;

/// <summary>How to stop one container.</summary>
public sealed record ContainerStop
{
    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }

    /// <summary>True to kill at once instead of asking init to shut down.</summary>
    public required bool Force { get; init; }

    /// <summary>Seconds to wait for a clean shutdown before killing (1–600).</summary>
    public int TimeoutSeconds { get; init; } = 30;
}

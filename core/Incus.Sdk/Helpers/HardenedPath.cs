namespace Incus.Sdk.Helpers;

/// <summary>The outcome for one hardened path.</summary>
public sealed record HardenedPath
{
    /// <summary>The absolute path.</summary>
    public required string Path { get; init; }

    /// <summary><c>changed</c>, <c>unchanged</c>, <c>absent</c> or <c>failed</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The octal mode after the operation, when the path exists.</summary>
    public string? Mode { get; init; }

    /// <summary>Why the path is absent or why the change failed.</summary>
    public string? Detail { get; init; }
}
